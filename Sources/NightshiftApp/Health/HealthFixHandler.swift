public import Foundation
public import NightshiftCore

/// `delete_log`, `rotate_log`, `optimize_store` and `prune_history`: does exactly what a health
/// fix's payload says (``HealthFix/action``): the files it names, inside the workspace only, and
/// the store's upkeep.
public struct HealthFixHandler: ActionHandler {
    public var types: [String] { FixKind.allCases.map(\.actionType) }
    /// Deleting, gzipping and pruning again what is already gone does no harm.
    public var idempotent: Bool { true }

    let root: String
    let store: any Store

    public init(root: String, store: any Store) {
        self.root = root
        self.store = store
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard let kind = action.payload["fix"]?.stringValue.flatMap(FixKind.init(rawValue:)), kind.actionType == action.type else {
            return .failure("\(action.id): the payload names no \(action.type) fix")
        }
        var listed: [String] = []
        if case .array(let items)? = action.payload["paths"] { listed = items.compactMap(\.stringValue) }
        // Only files inside the workspace: a payload that points elsewhere executes nothing.
        if let outside = listed.first(where: { $0.hasPrefix("/") || $0.split(separator: "/").contains("..") || $0.isEmpty }) {
            return .failure("\(action.id): \(outside) is not a file inside the workspace; nothing was changed")
        }
        var problems: [String] = []
        let manager = FileManager.default
        switch kind {
        case .deleteOldLogs, .pruneHistory:
            for path in listed where manager.fileExists(atPath: "\(root)/\(path)") {
                do { try manager.removeItem(atPath: "\(root)/\(path)") } catch { problems.append("\(path): \(error.localizedDescription)") }
            }
            if kind == .pruneHistory, let cutoff = action.payload["before"]?.stringValue.flatMap(ISO8601.parse) {
                do {
                    let samples = try await store.pruneSamples(before: cutoff)
                    // Events only with their own cutoff (the learner's lookback): a payload without
                    // one (proposed before it existed) leaves them.
                    let eventCutoff = action.payload["events_before"]?.stringValue.flatMap(ISO8601.parse)
                    var events = 0
                    if let eventCutoff { events = try await store.pruneEvents(before: eventCutoff) }
                    if problems.isEmpty {
                        return ActionResult(succeeded: true, excerpt: "deleted \(samples) sample(s), \(events) event(s), \(listed.count) run output(s)")
                    }
                } catch {
                    problems.append("store: \(error)")
                }
            }
        case .rotateLargeLogs:
            for path in listed where manager.fileExists(atPath: "\(root)/\(path)") {
                if let problem = LogRotation.gzip("\(root)/\(path)") { problems.append("\(path): \(problem)") }
            }
        case .optimizeStore:
            guard let maintenance = store as? any StoreMaintenance else { return ActionResult(succeeded: true, excerpt: "the store needs no upkeep") }
            do {
                let after = try await maintenance.optimizeStore(vacuum: action.payload["vacuum"] == .bool(true))
                return ActionResult(succeeded: true, excerpt: "store optimized: \(HealthRules.size(after.bytes)), \(after.freePages) free page(s)")
            } catch {
                problems.append("\(error)")
            }
        }
        guard problems.isEmpty else { return .failure(problems.joined(separator: "; ")) }
        return ActionResult(succeeded: true, excerpt: action.summary ?? "\(kind.phrase): done")
    }
}
