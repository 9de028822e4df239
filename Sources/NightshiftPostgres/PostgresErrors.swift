import NightshiftCore
import PostgresNIO

/// How the driver's failures become `StoreError`s.
enum PostgresErrors {
    /// The kind of `StoreError` a failure becomes when the server does not say something more precise.
    enum Failure: Sendable { case unavailable, migration, io }

    /// Whether the transaction can simply run again: a deadlock or a serialization failure.
    static func isRetryable(_ error: PSQLError) -> Bool {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    /// Whether `error` ended the connection it came on: the connection closed or failed, or the
    /// server ended the session (a FATAL or PANIC error; SQLSTATE class 08, or 57P01–57P05 as a
    /// fast shutdown or `pg_terminate_backend` sends, but not 57014, a cancelled statement, after
    /// which the session lives on). Nothing more can be sent on that connection.
    static func endsConnection(_ error: any Error) -> Bool {
        if error is PostgresConnectionLost { return true }
        guard let error = error as? PSQLError else { return false }
        guard error.code == .server else {
            return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed].contains(error.code)
        }
        let severity = error.serverInfo?[.severity] ?? ""
        let state = error.serverInfo?[.sqlState] ?? ""
        return severity == "FATAL" || severity == "PANIC" || state.hasPrefix("08") || state.hasPrefix("57P")
    }

    /// Turns a PostgresNIO or decoding error into a `StoreError` naming the database and the operation.
    ///
    /// Only the server's message and SQLSTATE are kept: they name tables and constraints, while
    /// its detail and the query's binds may quote values (which can hold secrets from job output).
    static func translate(_ error: any Error, location: String, operation: String, failure: Failure) -> any Error {
        switch error {
        case let unanswered as PostgresCommitUnanswered:
            return translate(unanswered.underlying, location: location, operation: "\(operation) (its COMMIT went unanswered: it may have committed)", failure: failure)
        case let lost as PostgresConnectionLost:
            return StoreError.unavailable("\(operation): \(lost); check the server is running and accepts connections", location: location)
        case is StoreError, is CancellationError:
            return error
        case let fault as StoreRowFault:
            return StoreError.unreadableRow(fault, location: location)
        case let error as PSQLError:
            return translate(error, location: location, operation: operation, failure: failure)
        default:
            return StoreError.io("\(operation): \(type(of: error))", location: location)
        }
    }

    private static func translate(_ error: PSQLError, location: String, operation: String, failure: Failure) -> StoreError {
        guard error.code == .server else {
            let cause = error.underlying.map { ": \($0)" } ?? ""
            return .unavailable(
                "\(operation): \(error.code)\(cause); check the server is running and accepts connections", location: location
            )
        }
        let state = error.serverInfo?[.sqlState] ?? "?"
        let said = "PostgreSQL error \(state): \(error.serverInfo?[.message] ?? "no message")"
        switch state.prefix(2) {
        case "08", "28", "3D", "57":
            return .unavailable("\(operation): \(said); check the server, the credentials and the database", location: location)
        case "53", "58":
            return .io("\(operation): \(said); check the server's disk and resources", location: location)
        default:
            switch failure {
            case .unavailable: return .unavailable("\(operation): \(said)", location: location)
            case .migration: return .migration("\(operation): \(said)", location: location)
            case .io: return .io("\(operation): \(said)", location: location)
            }
        }
    }
}

/// A transaction's `COMMIT` went out and its connection ended before the answer came: the
/// transaction may or may not have committed, so it is not run again.
struct PostgresCommitUnanswered: Error {
    let underlying: any Error
}
