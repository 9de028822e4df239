import Foundation
import GRDB
import NightshiftCore

extension SQLiteStore {
    /// The kind of `StoreError` a failure becomes when SQLite does not say something more precise.
    enum Failure { case unavailable, migration, io }

    /// Turns a GRDB or decoding error into a `StoreError` naming the file and the operation.
    ///
    /// Only SQLite's own message is kept: it names tables and constraints, never row values, while
    /// GRDB's descriptions may quote statement arguments (which can hold secrets from job output).
    static func translate(_ error: any Error, path: String, operation: String, failure: Failure) -> any Error {
        switch error {
        case is StoreError, is CancellationError:
            return error
        case let fault as StoreRowFault:
            return StoreError.unreadableRow(fault, location: path)
        case let error as DatabaseError:
            return translate(error, path: path, operation: operation, failure: failure)
        default:
            // Nothing reads stored values through GRDB's decoding any more (see StoredRow); should a
            // RowDecodingError still come, its description includes the row, so keep the type only.
            return StoreError.corrupt("\(operation): a stored row could not be read (\(type(of: error)))", location: path)
        }
    }

    private static func translate(_ error: DatabaseError, path: String, operation: String, failure: Failure) -> StoreError {
        let said = "SQLite error \(error.resultCode.rawValue): \(error.message ?? "no message")"
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return .corrupt("\(operation): \(said); the file is damaged or not a Nightshift database", location: path)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .unavailable("\(operation): \(said); check the file and its folder are readable and writable", location: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .io("\(operation): \(said); another process held the database longer than the busy timeout", location: path)
        case .SQLITE_FULL, .SQLITE_IOERR:
            return .io("\(operation): \(said); check the disk holding the database", location: path)
        default:
            switch failure {
            case .unavailable: return .unavailable("\(operation): \(said)", location: path)
            case .migration: return .migration("\(operation): \(said)", location: path)
            case .io: return .io("\(operation): \(said)", location: path)
            }
        }
    }
}
