public import Foundation
public import NightshiftCore

/// The health readings the operator asks for: samples recorded since a moment, and the problems.
public struct HealthReadings: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// The samples recorded since `since` (at most 100,000), or, without it, a fresh reading now.
    public func samples(since: Date?, at now: Date = Date()) async throws -> [MetricSample] {
        guard let since else { return try await app.sampleHealth(at: now).samples }
        return try await app.store.samples(SampleQuery(since: since, limit: 100_000))
    }

    /// Proposes the safe fixes through the gate at `now` (with `dryRun`, only says what would be
    /// done and what the policy would decide), then scans again.
    public func fix(dryRun: Bool, at now: Date) async throws -> HealthFixReport {
        let outcomes = try await app.applyHealthFixes(dryRun: dryRun, at: now)
        let scan = dryRun ? nil : try await app.scanHealth(at: now, resolution: "fixed by nightshift health fix")
        return HealthFixReport(dryRun: dryRun, outcomes: outcomes, scan: scan)
    }

    /// The open problems; with `all`, also the resolved ones.
    public func problems(all: Bool) async throws -> [Problem] {
        try await app.store.problems(ProblemQuery(open: all ? nil : true))
    }
}
