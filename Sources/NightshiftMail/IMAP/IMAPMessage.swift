public import Foundation

/// One message as ``IMAPClient/fetch(uids:maxBytes:)`` fetched it: its raw bytes (up to the
/// limit asked for) and what the server knows about it.
public struct IMAPMessage: Sendable, Hashable {
    /// The message's UID in the mailbox; with the mailbox's UIDVALIDITY, its lasting name.
    public var uid: UInt32
    /// Its flags as the server spells them (`\Seen`, `\Answered`, `$Junk`…).
    public var flags: [String]
    /// When the server received it (INTERNALDATE); nil when the server sent none it could read.
    public var internalDate: Date?
    /// Its full size in bytes (RFC822.SIZE), which may exceed `bytes.count` when truncated.
    public var size: Int
    /// The message as sent (RFC 5322), or its first `maxBytes` bytes.
    public var bytes: [UInt8]
    /// Whether `bytes` stops short of the message: it was larger than `maxBytes`.
    public var truncated: Bool

    /// A message; the client makes these, tests may too.
    public init(uid: UInt32, flags: [String], internalDate: Date?, size: Int, bytes: [UInt8], truncated: Bool) {
        self.uid = uid
        self.flags = flags
        self.internalDate = internalDate
        self.size = size
        self.bytes = bytes
        self.truncated = truncated
    }
}

/// What SELECT or EXAMINE told about a mailbox.
public struct IMAPMailboxStatus: Sendable, Hashable {
    /// The mailbox's name, as the caller gave it (decoded, not modified UTF-7).
    public var name: String
    /// UIDs are only comparable while this is unchanged: when it changes, everything known by
    /// UID must be read again.
    public var uidValidity: UInt32
    /// The UID the next message will get, at least; nil when the server did not say (older servers).
    public var uidNext: UInt32?
    /// How many messages the mailbox holds now; kept current from EXISTS and EXPUNGE.
    public var exists: UInt32
    /// How many messages are new since the last session looked (RECENT).
    public var recent: UInt32
    /// Whether it was opened read-only (EXAMINE, or the server's `[READ-ONLY]`).
    public var readOnly: Bool

    /// A status; the client makes these, tests may too.
    public init(name: String, uidValidity: UInt32, uidNext: UInt32?, exists: UInt32, recent: UInt32 = 0, readOnly: Bool) {
        self.name = name
        self.uidValidity = uidValidity
        self.uidNext = uidNext
        self.exists = exists
        self.recent = recent
        self.readOnly = readOnly
    }
}

/// Why ``IMAPClient/idle(timeout:)`` returned.
public enum IMAPIdleEvent: Sendable, Hashable {
    /// The mailbox grew: it now holds `exists` messages. Fetch with ``IMAPClient/uids(after:)``.
    case newMessages(exists: UInt32)
    /// Messages were removed (by another client or the server).
    case expunged
    /// The time ran out with no change.
    case timedOut
}

/// IMAP's date-time (RFC 3501 §9): `"17-Jul-1996 02:44:25 -0700"`, the day maybe space-padded.
enum IMAPDate {
    private static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    /// The instant `text` names, or nil when it is not an IMAP date-time.
    static func parse(_ text: String) -> Date? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard parts.count == 3 else { return nil }
        let date = parts[0].split(separator: "-")
        let time = parts[1].split(separator: ":")
        let zone = parts[2]
        guard date.count == 3, time.count == 3, zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
            let day = Int(date[0]), let month = months.firstIndex(of: date[1].uppercased()), let year = Int(date[2]),
            let hour = Int(time[0]), let minute = Int(time[1]), let second = Int(time[2]),
            let zoneHours = Int(zone.dropFirst().prefix(2)), let zoneMinutes = Int(zone.suffix(2)),
            (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var components = DateComponents()
        components.calendar = Calendar(identifier: .gregorian)
        components.timeZone = TimeZone(secondsFromGMT: 0)
        (components.year, components.month, components.day) = (year, month + 1, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        guard let local = components.date else { return nil }
        let offset = (zoneHours * 3600 + zoneMinutes * 60) * (sign == "-" ? -1 : 1)
        return local.addingTimeInterval(TimeInterval(-offset))
    }
}
