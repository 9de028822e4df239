public import Foundation
import NightshiftCore

/// A parser of outside input, fed arbitrary bytes by the fuzz suites (Swift Testing, fixed seeds)
/// and by the libFuzzer harnesses of `scripts/fuzz` (long runs). Both call ``check(_:)``: it must
/// return, and return nil — the parser accepted the input or refused it with a well-formed error.
///
/// ```swift
/// if let broken = FuzzTarget.cron.check(Data("1-2/9223372036854775807 * * * *".utf8)) {
///     fatalError(broken)   // libFuzzer records the input as a crash
/// }
/// ```
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `CronExpression`: parsing, the next fire in two zones, and "never fires" agreeing with the search.
    case cron
    /// The TOML parser, and `ConfigLoader` reading the result as `nightshift.toml`.
    case toml
    /// A policy file (`PolicyReader`) and a policy cases file, and a decision under a parsed policy.
    case policy
    /// `ICSCalendar`: parsing a calendar and expanding its events over two weeks.
    case ics
    /// `StrictJSON`, which must also agree with Foundation and round-trip through the canonical form.
    case json
    /// The policy's reading of the commands an action runs (`runs`, `runs_only`): the line as a
    /// shell string and as argv, under an allow-list; a forbidden command placed before the line
    /// must never be allowed, whatever the line holds.
    case shell

    /// A fixed instant (no test depends on the day it runs).
    static let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// Feeds `data` to the parser; a description of the property that broke, or nil.
    public func check(_ data: Data) -> String? {
        switch self {
        case .json: return Self.checkJSON(data)
        case .cron, .toml, .policy, .ics, .shell: break
        }
        let text: String
        switch UTF8Text.decode(data) {
        case .success(let decoded): text = decoded
        case .failure(let invalid):
            // The place of a bad byte must be inside the data.
            guard invalid.offset < data.count, data[data.startIndex + invalid.offset] == invalid.byte, invalid.position.line >= 1,
                  invalid.position.column >= 1
            else { return "invalid UTF-8 reported at \(invalid.position), offset \(invalid.offset) of \(data.count)" }
            return nil
        }
        switch self {
        case .cron: return Self.checkCron(text)
        case .toml: return Self.checkTOML(text)
        case .policy: return Self.checkPolicy(text)
        case .ics: return Self.checkICS(text)
        case .shell: return Self.checkShell(text)
        case .json: return nil
        }
    }

    static func checkCron(_ text: String) -> String? {
        let cron: CronExpression
        do {
            cron = try CronExpression(parsing: text)
        } catch {
            guard let field = error.field, error.message.hasPrefix("\(field): "), error.message.count > field.count + 2 else {
                return "malformed schedule error: \(error.message)"
            }
            return nil
        }
        let next = cron.nextFire(after: now, in: .gmt)
        if let next, next <= now { return "\"\(text)\": next fire \(next) is not after \(now)" }
        if (next == nil) != (cron.neverFiresReason != nil) {
            return "\"\(text)\": next fire \(String(describing: next)) but neverFiresReason \(String(describing: cron.neverFiresReason))"
        }
        // Daylight saving may swallow every time of a rare non-fixed expression, so only "returns" here.
        _ = cron.nextFire(after: now, in: newYork)
        _ = cron.nextFire(after: .distantFuture, in: newYork)
        return nil
    }

    static func checkTOML(_ text: String) -> String? {
        let lines = lineCount(text)
        do {
            _ = try TOMLParser.parse(text)
        } catch {
            if let broken = malformed(error.location, error.message, lines: lines) { return "TOML error \(error): \(broken)" }
        }
        let (_, diagnostics) = ConfigLoader.parse(text, file: "nightshift.toml", environment: ["HOME": "/"])
        return check(diagnostics, lines: lines)
    }

    static func checkPolicy(_ text: String) -> String? {
        let lines = lineCount(text)
        let (policy, diagnostics) = ConfigLoader.parsePolicy(text, file: "policy.toml")
        if let broken = check(diagnostics, lines: lines) { return broken }
        let (cases, caseDiagnostics) = ConfigLoader.parsePolicyCases(text, file: "cases.toml")
        if let broken = check(caseDiagnostics, lines: lines) { return broken }
        let engine = PolicyEngine(policy: policy ?? Policy())
        let context = PolicyContext(now: now, timeZone: .gmt, countToday: 3, spentToday: 12.5)
        for action in sampleActions {
            let decision = engine.decide(action, context: context, explain: true)
            if decision.decidedBy.isEmpty { return "a decision names no decider: \(decision)" }
        }
        // What `policy test` does with each case: its context values replace the clock's and the store's.
        for item in cases ?? [] {
            let (decision, _) = item.check(engine, now: now, timeZone: newYork)
            if decision.decidedBy.isEmpty { return "a case's decision names no decider: \(decision)" }
        }
        return nil
    }

    /// An allow-list in the style of the builder example's: anything else needs approval.
    static let shellEngine: PolicyEngine = {
        let text = """
            [catalog]
            run_command = "autonomous"
            [[rules]]
            id = "allow-list"
            effect = "approve"
            types = ["run_command"]
            reason = "a command outside the allow-list needs the operator"
            when = { not = ["command", "runs_only", ["echo:*", "ls:*", "cat:*", "git status:*", "true", { program = ["mkdir"], within = ["."] }]] }
            """
        let (parsed, diagnostics) = ConfigLoader.parsePolicy(text, file: "shell.toml")
        guard let policy = parsed else { fatalError("the shell fuzz policy does not parse: \(diagnostics)") }
        return PolicyEngine(policy: policy)
    }()

    static func decideShell(_ payload: JSONValue) -> Decision {
        let context = PolicyContext(now: now, timeZone: .gmt, countToday: 0, spentToday: 0)
        return shellEngine.decide(ProposedAction(type: "run_command", payload: payload, actor: Actor(.cli, "fuzz")), context: context, explain: true)
    }

    /// The allow-list allows what it lists and nothing else, or the property below says nothing.
    static let shellControl: String? = {
        let listed = decideShell(.object(["shell": .string("echo hello && ls -la | cat")]))
        let unlisted = decideShell(.object(["shell": .string("echo hello && rm -rf /")]))
        guard listed.verdict == .allow, unlisted.verdict == .approve else {
            return "the fuzz allow-list does not work: \(listed.verdict) for echo and ls, \(unlisted.verdict) for rm"
        }
        return nil
    }()

    static func checkShell(_ text: String) -> String? {
        if let broken = shellControl { return broken }
        func decide(_ payload: JSONValue) -> Decision { decideShell(payload) }
        let alone = decide(.object(["shell": .string(text), "cwd": .string("/work")]))
        if alone.decidedBy.isEmpty { return "a decision names no decider: \(alone)" }
        let argv = text.split(separator: "\u{0}", omittingEmptySubsequences: false).map { JSONValue.string(String($0)) }
        let asArgv = decide(.object(["command": .array(argv)]))
        if asArgv.decidedBy.isEmpty { return "a decision names no decider: \(asArgv)" }
        // rm is on no allow-list: a line that runs it first is never allowed, whatever follows.
        for forbidden in [
            JSONValue.object(["shell": .string("rm -rf /; " + text)]),
            .object(["shell": .string("rm -rf / && " + text)]),
            .object(["command": .array([.string("sh"), .string("-c"), .string("rm -rf /; " + text)])]),
            .object(["command": .array([.string("rm"), .string("-rf"), .string("/")] + argv)]),
        ] {
            let decision = decide(forbidden)
            if decision.verdict == .allow { return "allowed although it runs rm first: \(forbidden.canonical)" }
        }
        return nil
    }

    static func checkICS(_ text: String) -> String? {
        let calendar: ICSCalendar
        do {
            calendar = try ICSCalendar.parse(text, file: "fuzz.ics", floatingTimeZone: newYork)
        } catch {
            let lines = lineCount(text)
            guard error.line >= 1, error.line <= lines, !error.message.isEmpty, error.description.hasPrefix("fuzz.ics:\(error.line): ") else {
                return "malformed calendar error at line \(error.line) of \(lines): \(error)"
            }
            return nil
        }
        let occurrences = calendar.occurrences(from: now, to: now.addingTimeInterval(14 * 86_400))
        if let bad = occurrences.first(where: { $0.end < $0.start }) { return "an occurrence ends before it starts: \(bad)" }
        return nil
    }

    static func checkJSON(_ data: Data) -> String? {
        let value: JSONValue
        do {
            value = try StrictJSON.parse(data)
        } catch {
            guard error.offset >= 0, error.offset <= data.count, error.position.line >= 1, error.position.column >= 1, !error.message.isEmpty else {
                return "malformed JSON error: \(error) at offset \(error.offset) of \(data.count)"
            }
            return nil
        }
        // Strict JSON is a subset of what Foundation reads.
        if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) == nil {
            return "StrictJSON accepted what JSONSerialization refuses: \(value.canonical)"
        }
        let canonical = value.canonical
        guard let again = try? StrictJSON.parse(canonical), again.canonical == canonical else {
            return "the canonical form does not read back: \(canonical)"
        }
        return nil
    }

    // MARK: Shared checks

    /// The number of lines a position may name: one more than the newlines (the last line).
    static func lineCount(_ text: String) -> Int {
        text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    static func malformed(_ location: SourcePosition, _ message: String, lines: Int) -> String? {
        if location.line < 1 || location.line > lines || location.column < 1 { return "position \(location) outside \(lines) lines" }
        if message.isEmpty { return "empty message" }
        return nil
    }

    static func check(_ diagnostics: [ConfigDiagnostic], lines: Int) -> String? {
        for diagnostic in diagnostics {
            if let broken = malformed(diagnostic.location, diagnostic.message, lines: lines) { return "\(diagnostic): \(broken)" }
        }
        return nil
    }

    static let sampleActions: [ProposedAction] = [
        ProposedAction(
            type: "run_command", attributes: ["job": .string("backup"), "cost": .number(0.5)], payload: .object(["command": .array([.string("ls")])]),
            actor: Actor(.job, "backup")
        ),
        ProposedAction(
            type: "send_email", attributes: ["stage": .string("negotiation"), "category": .string("Bug fixes"), "hours": .integer(3)],
            actor: Actor(.cli, "operator")
        ),
        ProposedAction(
            type: "spawn_subagent", attributes: ["category": .string("New features"), "recipient": .string("a@b.example")],
            actor: Actor(.cycle, "nightly"), tenant: "acme"
        ),
    ]
}
