/// A failure inside a store driver: the database could not be opened, migrated or written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case unavailable, corrupt, migration, io }
    private let code: Code
    /// What the driver said, without data values (they may hold secrets).
    public let message: String
    /// The database file or connection the error concerns.
    public let location: String?

    /// The store cannot be opened (missing folder, permissions, server down).
    public static func unavailable(_ message: String, location: String? = nil) -> StoreError {
        StoreError(code: .unavailable, message: message, location: location)
    }
    /// The data fails an integrity check.
    public static func corrupt(_ message: String, location: String? = nil) -> StoreError {
        StoreError(code: .corrupt, message: message, location: location)
    }
    /// The schema could not be created or upgraded.
    public static func migration(_ message: String, location: String? = nil) -> StoreError {
        StoreError(code: .migration, message: message, location: location)
    }
    /// A read or write failed.
    public static func io(_ message: String, location: String? = nil) -> StoreError {
        StoreError(code: .io, message: message, location: location)
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
