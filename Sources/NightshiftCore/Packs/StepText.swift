public import Foundation

/// How steps say what they did: lines for the log, and the `NIGHTSHIFT_OUTPUT` line the cycle keeps.
public enum StepText {
    /// A succeeded step's result: `lines`, then the output line with `members`.
    public static func result(_ lines: [String], _ members: [String: JSONValue]) -> ActionResult {
        let output = (lines + ["\(StepOutput.marker)\(JSONValue.object(members).canonical)"]).joined(separator: "\n") + "\n"
        return ActionResult(succeeded: true, output: output, excerpt: lines.last ?? "")
    }

    /// "2h", "1.5h": as `queue list` shows them.
    public static func hours(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))h" : String(format: "%.1fh", value)
    }

    /// A whole number, or two decimals.
    public static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
