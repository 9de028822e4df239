import ArgumentParser
import NightshiftApp

/// Numbers on the command line, read strictly: decimal digits, an optional `-` where negative
/// values make sense, and for decimals one `.` between digits; each within a range that says what
/// makes sense for the option.
///
/// ArgumentParser's own conversion is Swift's `Int(_:)` and `Double(_:)`, which read `+5` as 5 and,
/// for a `Double`, `0x10` as 16, `1e400` as infinity and `nan` as a number. Options use these
/// transforms instead, so `--hours 0x10` is a usage error naming the flag. They are parsed
/// `.unconditional`: otherwise ArgumentParser reads the `-5` of `--limit -5` as a flag and says only
/// "Missing value", where the option's own check says what is wrong with -5:
///
/// ```swift
/// @Option(parsing: .unconditional, transform: NumberArgument.integer(1...10_000)) var limit = 50
/// ```
enum NumberArgument {
    /// A whole number written in decimal digits (with `-` first for a negative one), in `range`
    /// when one is given (otherwise the command checks the range with its own message).
    static func integer(_ range: ClosedRange<Int>? = nil) -> @Sendable (String) throws -> Int {
        { text in
            guard isDecimal(text, fraction: false) else {
                throw ValidationError("\"\(text)\" is not a whole number written in decimal digits\(expected(range))")
            }
            guard let value = Int(text) else { throw ValidationError("\(text) is too large\(expected(range))") }
            if let range, !range.contains(value) { throw ValidationError("\(text) is out of range\(expected(range))") }
            return value
        }
    }

    /// A number written in decimal digits with an optional fraction (`2.5`), in `range` when one is
    /// given: no exponent, no hexadecimal, no `inf` or `nan`.
    static func decimal(_ range: ClosedRange<Double>? = nil) -> @Sendable (String) throws -> Double {
        { text in
            guard isDecimal(text, fraction: true), let value = Double(text), value.isFinite else {
                throw ValidationError("\"\(text)\" is not a number written in decimal digits, like 2.5\(expected(range))")
            }
            if let range, !range.contains(value) { throw ValidationError("\(text) is out of range\(expected(range))") }
            return value
        }
    }

    /// The one number in `words`, a positional argument declared `.allUnrecognized` so that `-5` is
    /// read as a value instead of an option; a usage error naming `label` otherwise.
    static func single(_ words: [String], label: String) throws -> Double {
        guard words.count == 1 else {
            throw AppError.usage("\(label) must be one number written in decimal digits, like 12 or -2.5 (got \(words.isEmpty ? "nothing" : "\"\(words.joined(separator: " "))\""))")
        }
        do {
            return try decimal()(words[0])
        } catch let error as ValidationError {
            throw AppError.usage("\(label): \(error.message)")
        }
    }

    /// `-`? digits, then (if `fraction`) optionally `.` and digits; nothing else, no spaces.
    static func isDecimal(_ text: String, fraction: Bool) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        guard !whole.isEmpty, whole.count <= 30 else { return false }
        rest = rest.dropFirst(whole.count)
        guard fraction, rest.first == "." else { return rest.isEmpty }
        let decimals = rest.dropFirst()
        return !decimals.isEmpty && decimals.count <= 30 && decimals.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func expected<T: Comparable & CustomStringConvertible>(_ range: ClosedRange<T>?) -> String {
        guard let range else { return "" }
        return "; expected a number from \(range.lowerBound.description.trimmedZero) to \(range.upperBound.description.trimmedZero)"
    }
}

extension String {
    /// `"168.0"` as `"168"`, for messages.
    fileprivate var trimmedZero: String { hasSuffix(".0") ? String(dropLast(2)) : self }
}
