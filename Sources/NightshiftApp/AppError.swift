/// An error the CLI reports to the operator, with the exit status it maps to.
///
/// Exit statuses: 1 when the thing asked failed (a run failed, a job is unknown), 2 for usage and
/// configuration errors.
public struct AppError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case failure, usage, storeRefused }
    private let code: Code
    /// What went wrong and, where it helps, what to do.
    public let message: String

    /// The thing asked failed: exit status 1.
    public static func failure(_ message: String) -> AppError { AppError(code: .failure, message: message) }
    /// Bad arguments or configuration: exit status 2.
    public static func usage(_ message: String) -> AppError { AppError(code: .usage, message: message) }
    /// The workspace's store is missing, empty or another one (see ``StoreIdentityCheck``): exit status 1.
    public static func storeRefused(_ message: String) -> AppError { AppError(code: .storeRefused, message: message) }

    /// Whether the workspace was refused because its store is not the one it had.
    public var isStoreRefusal: Bool { code == .storeRefused }
    /// The process exit status for this error.
    public var exitStatus: Int32 { code == .usage ? 2 : 1 }
    public var description: String { message }
}
