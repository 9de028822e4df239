public import Foundation

/// The structured output of a step: JSON it printed on lines starting `NIGHTSHIFT_OUTPUT `.
///
/// Several lines merge when they are all objects (later keys win); otherwise the last one counts.
public enum StepOutput {
    /// The marker a line starts with.
    public static let marker = "NIGHTSHIFT_OUTPUT "

    /// The step's structured output, nil when it printed none, or a message naming the first line
    /// whose JSON does not parse.
    public static func parse(_ output: String) -> Result<JSONValue?, StepOutputError> {
        var result: JSONValue?
        for (number, line) in output.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard line.hasPrefix(marker) else { continue }
            let text = line.dropFirst(marker.count)
            let value: JSONValue
            do {
                value = try StrictJSON.parse(String(text))
            } catch {
                return .failure(StepOutputError(line: number + 1, text: String(text.prefix(80)), problem: error.description))
            }
            if case .object(let earlier)? = result, case .object(let later) = value {
                result = .object(earlier.merging(later) { _, new in new })
            } else {
                result = value
            }
        }
        return .success(result)
    }
}

/// A `NIGHTSHIFT_OUTPUT ` line that is not JSON (as ``StrictJSON`` reads it).
public struct StepOutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line of the step's standard output, from 1.
    public var line: Int
    public var text: String
    /// Where in the JSON and what is wrong, e.g. `1:9: duplicate key "a"`.
    public var problem: String

    public init(line: Int, text: String, problem: String) {
        self.line = line
        self.text = text
        self.problem = problem
    }

    public var description: String { "stdout line \(line): NIGHTSHIFT_OUTPUT is not valid JSON (\(problem)): \(text)" }
}
