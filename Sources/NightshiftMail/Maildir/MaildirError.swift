/// Why a ``Maildir`` could not be read: the folder is missing or is not a Maildir, a directory
/// or message could not be read, or a message was gone for good.
public struct MaildirError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of failure; new kinds may be added.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable {
            case notFound = "not-found"
            case notADirectory = "not-a-directory"
            case notAMaildir = "not-a-maildir"
            case unreadable
            case messageGone = "message-gone"
        }

        private let code: Code
        private init(_ code: Code) { self.code = code }

        /// Nothing exists at the path.
        public static let notFound = Kind(.notFound)
        /// The path is a file, not a directory.
        public static let notADirectory = Kind(.notADirectory)
        /// The directory has neither `cur/` nor `new/`.
        public static let notAMaildir = Kind(.notAMaildir)
        /// A directory or file exists but could not be read (permissions, I/O).
        public static let unreadable = Kind(.unreadable)
        /// The message is in neither `new/` nor `cur/` any more (deleted, or moved out).
        public static let messageGone = Kind(.messageGone)

        /// The kind's name, e.g. `not-found`.
        public var description: String { code.rawValue }
    }

    /// What was wrong.
    public let kind: Kind
    /// The path concerned.
    public let path: String
    /// What is wrong and what to do, in lower case.
    public let message: String

    init(_ kind: Kind, path: String, _ message: String) {
        self.kind = kind
        self.path = path
        self.message = message
    }

    /// `PATH: message`.
    public var description: String { "\(path): \(message)" }
}
