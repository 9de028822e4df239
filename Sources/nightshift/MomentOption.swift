import ArgumentParser
import Foundation
import NightshiftCore

/// `--at ISO8601`: the moment `policy explain` and `propose --dry-run` decide at, so rules on the
/// weekday, the hour or the day's counts can be tried at any time.
struct MomentOption: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Decide as of this moment instead of now: an ISO 8601 instant with offset (2026-03-07T03:00:00Z).",
        discussion: "The weekday and hour are read in the workspace's zone, and the counts and budgets are that day's up to that moment. The operator's context is the one in force now.",
        valueName: "ISO8601"
    ))
    var at: String?

    /// The moment asked about, nil for now; a usage error (exit 2) naming `--at` when it is no instant.
    func moment() throws -> Date? {
        try at.map { try PatternsCommand.instant($0, flag: "--at") }
    }

    /// `2026-03-07T03:00:00+00:00 (sat, UTC)`: the moment as the policy reads it.
    static func describe(_ moment: Date, in zone: TimeZone) -> String {
        let weekday = PolicyContext(now: moment, timeZone: zone).value(.weekday)?.text ?? "?"
        return "\(ISO8601.format(moment, in: zone)) (\(weekday), \(TimeZones.displayName(zone)))"
    }
}
