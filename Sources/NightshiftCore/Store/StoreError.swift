/// A failure inside a store driver: the database could not be opened, migrated or written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case unavailable, corrupt, migration, io, unreadableRow }
    private let code: Code
    /// What the driver said, without data values (they may hold secrets); an unreadable row quotes
    /// at most a short prefix of the wrong-typed value it found.
    public let message: String
    /// The database file or connection the error concerns.
    public let location: String?
    /// The row that could not be read, for ``unreadableRow(_:location:)``.
    public let fault: StoreRowFault?

    private init(code: Code, message: String, location: String?, fault: StoreRowFault? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.fault = fault
    }

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
    /// One stored row cannot be read (a wrong-typed value, bad JSON, an unknown state): the
    /// message names the table, the row and the column, and says what to do.
    public static func unreadableRow(_ fault: StoreRowFault, location: String? = nil) -> StoreError {
        let advice = fault.isAuditTrail
            ? "`nightshift audit verify` reports it"
            : "`nightshift serve` moves such a row to the quarantine table"
        return StoreError(code: .unreadableRow, message: "\(fault); \(advice)", location: location, fault: fault)
    }

    public var description: String {
        if let location { return "\(location): \(message)" }
        return message
    }
}
