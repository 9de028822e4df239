/// One problem in a configuration file, printed as `FILE:LINE:COL: message`.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable { case error, warning }
    public var file: String
    public var location: SourcePosition
    public var message: String
    public var severity: Severity

    public init(file: String, location: SourcePosition, message: String, severity: Severity = .error) {
        self.file = file
        self.location = location
        self.message = message
        self.severity = severity
    }

    public var description: String {
        let prefix = severity == .warning ? "warning: " : ""
        return "\(file):\(location.line):\(location.column): \(prefix)\(message)"
    }
}

/// The configuration file has errors; every one of them is listed, in file order.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [ConfigDiagnostic]

    public init(diagnostics: [ConfigDiagnostic]) {
        self.diagnostics = diagnostics
    }

    /// The file could not be read at all.
    public static func unreadable(_ file: String, reason: String) -> ConfigError {
        ConfigError(diagnostics: [ConfigDiagnostic(file: file, location: .start, message: "cannot read the file: \(reason)")])
    }

    public var description: String {
        diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n")
    }
}
