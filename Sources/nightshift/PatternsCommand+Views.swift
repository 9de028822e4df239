import Foundation
import NightshiftApp
import NightshiftCore

/// Argument checks and text shapes shared by the `patterns` and `improve` subcommands.
extension PatternsCommand {
    /// A request or operation name: not empty, no whitespace.
    static func validate(name: String, label: String) throws {
        guard !name.isEmpty, !name.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw AppError.usage("\(label) must be a name without spaces, like nba_rankings or sync.mail (got \"\(name)\")")
        }
    }

    /// `--hours`: 1 to 14 days.
    static func validate(hours: Int) throws {
        guard (1...336).contains(hours) else { throw AppError.usage("--hours must be between 1 and 336, found \(hours)") }
    }

    /// `--meta`: a JSON object whose `command`, if any, is a command; nil without the flag.
    static func meta(_ text: String?) throws -> JSONValue? {
        guard let text else { return nil }
        let value = try ActionArguments.json(text, flag: "--meta")
        guard case .object = value else {
            throw AppError.usage("--meta must be a JSON object, like '{\"command\": [\"./bin/prepare.sh\"]}' (got \(value.canonical))")
        }
        if PrebuildCommand.isMalformed(value) { throw AppError.usage("--meta: \(PrebuildCommand.shapeProblem)") }
        return value
    }

    /// `--at`: an ISO 8601 instant with offset; now without the flag.
    static func instant(_ text: String?, flag: String) throws -> Date {
        guard let text else { return Date() }
        guard let date = ISO8601.parse(text) else {
            throw AppError.usage("\(flag) must be an ISO 8601 instant with offset, like 2026-03-05T09:00:00Z or 2026-03-05T09:00:00+01:00 (got \"\(text)\")")
        }
        return date
    }

    /// `0.85`, `0.8`, `1`: two decimals at most.
    static func figure(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }

    /// `3h`, `2h30m`.
    static func lead(_ seconds: TimeInterval) -> String {
        DurationParser.format(seconds: Int64(seconds.rounded()))
    }
}
