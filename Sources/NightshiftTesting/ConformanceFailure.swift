/// A guarantee of the ``Store`` contract that a driver broke, with where the conformance suite
/// noticed it.
///
/// Thrown by the cases in ``StoreConformance``; a test runner reports it like any other error, and
/// its description leads with the suite's source location so the failing check is easy to find.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// What was expected and what the store did instead.
    public let message: String
    /// The suite file that made the check (`#fileID` form).
    public let file: String
    /// The line of the check.
    public let line: Int

    /// Creates a failure; the location defaults to the caller's.
    public init(_ message: String, file: String = #fileID, line: Int = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }
}
