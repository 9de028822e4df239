public import Foundation
public import NightshiftCore
public import NightshiftMail

/// A folder's read position, kept as a sales cursor: the `UIDVALIDITY` and the highest UID taken.
/// A Maildir folder keeps the newest key taken instead (`validity` 0).
public struct MailWatermark: Sendable, Hashable, CustomStringConvertible {
    public var validity: Int64
    public var uid: Int64
    /// For a Maildir: the last key taken, in key order.
    public var key: String?

    public init(validity: Int64, uid: Int64, key: String? = nil) {
        self.validity = validity
        self.uid = uid
        self.key = key
    }

    /// As stored: `VALIDITY:UID`, or `maildir:KEY`.
    public var description: String { key.map { "maildir:\($0)" } ?? "\(validity):\(uid)" }

    public init?(_ text: String) {
        if text.hasPrefix("maildir:") {
            self.init(validity: 0, uid: 0, key: String(text.dropFirst(8)))
            return
        }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let validity = Int64(parts[0]), let uid = Int64(parts[1]) else { return nil }
        self.init(validity: validity, uid: uid)
    }

    /// The sales cursor a folder's watermark is kept under.
    public static func cursorName(account: String, folder: String) -> String { "mail:\(account):\(folder)" }
}

/// One message as a folder handed it over, with the watermark after it.
public struct FetchedMail: Sendable {
    public var bytes: [UInt8]
    public var truncated: Bool
    public var uid: Int64?
    public var uidValidity: Int64?
    public var watermark: MailWatermark
}

/// What reading a folder found.
public struct FolderRead: Sendable {
    public var folder: String
    /// Messages handed over.
    public var fetched = 0
    /// Whether the folder's `UIDVALIDITY` changed since the last read (every message was read
    /// again and known ones were recognised by `Message-ID`).
    public var resynced = false
    public var watermark: MailWatermark?
}

/// What an SMTP server said to a send.
public enum SendOutcome: Sendable, Hashable {
    /// Accepted (with the server's text, usually a queue id).
    case accepted(String)
    /// 4xx: try again later.
    case deferred(String)
    /// 5xx: it will never go.
    case refused(String)
    /// The connection ended after the message was handed over: it may have gone. The Sent
    /// folder tells.
    case unknown(String)
}

/// An account's servers as the pack uses them: its folders read, its Sent folder searched, mail
/// sent. ``NetworkPostOffice`` speaks IMAP and SMTP; ``MaildirPostOffice`` reads a Maildir.
public protocol MailPostOffice: Sendable {
    /// Hands over each message of `folder` after `watermark` (every message when the folder's
    /// validity changed, or with no watermark) — or, given `since`, every message that arrived on
    /// or after that day, whatever the watermark — oldest first, waiting for `each` before the next.
    func read(
        folder: String, after watermark: MailWatermark?, since: Date?, maxBytes: Int, each: @Sendable (FetchedMail) async throws -> Void
    ) async throws -> FolderRead
    /// Whether the Sent folder holds a mail with this `Message-ID`.
    func sentContains(messageID: String) async throws -> Bool
    /// Sends `message` from `from` to `to`.
    func send(from: String, to: [String], message: [UInt8]) async -> SendOutcome
    /// Files a copy of a sent message in the Sent folder (accounts whose server does not).
    func fileSent(_ message: [UInt8]) async throws
    /// Logs in and describes what is there, changing nothing (`mail check`).
    func check() async throws -> [String: JSONValue]
}

/// Why an account's servers could not be used; names the account and never the password.
public struct MailAccountError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
