public import Foundation

/// The samples, problems and events the memory store keeps.
struct MemoryHealthTable: Sendable {
    var samples: [MetricSample] = []
    var problems: [Problem] = []
    var events: [ObservedEvent] = []
}

extension MemoryStore {
    public func insertSamples(_ samples: [MetricSample]) async throws {
        healthTable.samples.append(contentsOf: samples)
    }

    public func samples(_ query: SampleQuery) async throws -> [MetricSample] {
        let matching = healthTable.samples.filter(query.matches).sorted { $0.at < $1.at }
        return Array(matching.suffix(max(0, query.limit)))
    }

    public func pruneSamples(before cutoff: Date) async throws -> Int {
        let before = healthTable.samples.count
        healthTable.samples.removeAll { $0.at < cutoff }
        return before - healthTable.samples.count
    }

    public func recordScan(_ findings: [ProblemFinding], resolution: String, at now: Date) async throws -> ProblemChanges {
        let changes = ProblemChanges.scan(findings, open: healthTable.problems.filter(\.isOpen), resolution: resolution, at: now)
        for problem in changes.updated + changes.resolved {
            if let index = healthTable.problems.firstIndex(where: { $0.id == problem.id }) { healthTable.problems[index] = problem }
        }
        healthTable.problems.append(contentsOf: changes.opened)
        return changes
    }

    public func problems(_ query: ProblemQuery) async throws -> [Problem] {
        Array(healthTable.problems.filter(query.matches).sorted { ($0.lastSeen, $0.id) > ($1.lastSeen, $1.id) }.prefix(max(0, query.limit)))
    }

    public func markEscalated(_ problemID: String, at now: Date) async throws {
        guard let index = healthTable.problems.firstIndex(where: { $0.id == problemID }) else { return }
        healthTable.problems[index].escalatedAt = now
    }

    public func insertEvent(_ event: ObservedEvent) async throws {
        healthTable.events.append(event)
    }

    public func events(_ query: EventQuery) async throws -> [ObservedEvent] {
        let matching = healthTable.events.filter(query.matches).sorted { $0.at < $1.at }
        return Array(matching.suffix(max(0, query.limit)))
    }

    public func pruneEvents(before cutoff: Date) async throws -> Int {
        let before = healthTable.events.count
        healthTable.events.removeAll { $0.at < cutoff }
        return before - healthTable.events.count
    }
}
