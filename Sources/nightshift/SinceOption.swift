import Foundation
import NightshiftApp
import NightshiftCore

/// `--since T`: an ISO 8601 instant with offset, or a duration back from now.
enum SinceOption {
    /// The instant `text` names, or a usage error quoting it.
    static func parse(_ text: String, now: Date = Date()) throws -> Date {
        if let instant = ISO8601.parse(text) { return instant }
        if let duration = try? DurationParser.parse(text) { return now.addingTimeInterval(-duration.inSeconds) }
        throw AppError.usage("--since must be an ISO 8601 instant with offset (2026-11-20T23:00:00Z) or a duration (12h), found \"\(text)\"")
    }
}
