import Foundation
import Testing

/// The builder example (`nightshift init --example builder`) and the night its `bin/seed-queue.sh`
/// sets up: five tasks, of which three ship, one fails its verify command and one waits for the
/// operator's approval.
enum BuilderExample {
    /// The tasks that ship on the first night (doc-login only once fix-login has).
    static let completed: Set<String> = ["fix-login", "speed-report", "doc-login"]
    /// Its verify command looks for a file the agent never writes.
    static let failed = "tidy-build"
    /// A "New features" task: the example's policy parks its spawn for approval.
    static let parked = "csv-export"
    /// 1 + 2 + 1 hours of the three that ship.
    static let hoursShipped = 4.0
    /// The example's overnight window, in its zone (UTC).
    static let windowOpensAtHour = 23
    static let windowClosesAtHour = 7
}

extension TestWorkspace {
    /// `nightshift init --example builder -w ROOT`.
    func initializeBuilderExample() async throws {
        let result = try await CLI.run(["init", "--example", "builder", "-w", root])
        guard result.status == 0 else { throw CLIError("nightshift init --example builder failed: \(result)") }
    }

    /// Runs `./bin/seed-queue.sh` as its comment says: from the workspace folder, with `NIGHTSHIFT`
    /// naming the binary under test.
    func seedExampleQueue() async throws {
        let result = try await CLI.runProgram(
            "/bin/sh", ["-c", "cd \"$1\" && exec ./bin/seed-queue.sh", "seed-queue", root],
            environment: CLI.environment(["NIGHTSHIFT": try CLI.requireBinary()]), timeout: 60
        )
        guard result.status == 0 else { throw CLIError("bin/seed-queue.sh failed: \(result)") }
    }

    /// `overnight start --json`: the cycle run it printed and the whole result. Throws unless it
    /// exits 0 or 1 (1: a step failed, which the caller checks).
    func startOvernight(timeout: TimeInterval = 180) async throws -> (CycleRunInfo, CLIResult) {
        let result = try await CLI.run(args("overnight", "start", "--json"), timeout: timeout)
        guard result.status == 0 || result.status == 1 else { throw CLIError("overnight start failed: \(result)") }
        return (try CLI.decode(CycleRunInfo.self, result.stdout), result)
    }

    /// `overnight report [--since T] --json`.
    func overnightReport(since: Date? = nil) async throws -> OvernightReportInfo {
        let extra = since.map { ["--since", ISO8601DateFormatter().string(from: $0)] } ?? []
        return try await CLI.json(OvernightReportInfo.self, args("overnight", "report") + extra)
    }

    /// The builder example, seeded, after one `overnight start` that exited 0.
    func runExampleNight() async throws -> CycleRunInfo {
        try await initializeBuilderExample()
        try await seedExampleQueue()
        let (cycle, result) = try await startOvernight()
        guard result.status == 0 else { throw CLIError("the example night did not succeed: \(result)") }
        return cycle
    }
}

/// The UTC clock as the example workspace reads it.
enum UTCClock {
    static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// `YYYY-MM-DD` of `date` in UTC: the name of the day's report files.
    static func day(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Whether the example's overnight window (23:00–07:00 UTC) is open at `date`.
    static func isOvernight(_ date: Date) -> Bool {
        let hour = calendar.component(.hour, from: date)
        return hour >= BuilderExample.windowOpensAtHour || hour < BuilderExample.windowClosesAtHour
    }

    /// Whether a 23:00 UTC (a window's opening) lies in `(from, to]`: a report built by default
    /// from the last opening then no longer covers what happened at `from`.
    static func windowOpened(between from: Date, and to: Date) -> Bool {
        guard let opening = calendar.nextDate(
            after: from, matching: DateComponents(hour: BuilderExample.windowOpensAtHour, minute: 0, second: 0), matchingPolicy: .strict
        ) else { return false }
        return opening <= to
    }

    /// `20261121T223000Z`, the UTC date-time form of ICS.
    static func icsStamp(_ date: Date) -> String {
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0
        )
    }
}
