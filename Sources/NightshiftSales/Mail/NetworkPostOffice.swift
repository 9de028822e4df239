public import Foundation
public import NightshiftCore
public import NightshiftMail

/// An account over the network: IMAP for its folders, SMTP for sending. A connection is made per
/// use and closed after it: the monitor runs every half hour, and a connection kept open between
/// runs would only be one more thing to find dead.
public struct NetworkPostOffice: MailPostOffice {
    let account: MailAccount
    let password: String
    /// This machine's name, for EHLO.
    let hostname: String

    public init(account: MailAccount, password: String, hostname: String = ProcessInfo.processInfo.hostName) {
        self.account = account
        self.password = password
        self.hostname = hostname.isEmpty || hostname.contains(" ") ? "localhost" : hostname
    }

    /// Opens an IMAP session, logged in; the caller logs out.
    func imap() async throws -> IMAPClient {
        guard let endpoint = account.imap else { throw MailAccountError("\(account.name) has no IMAP server (host)") }
        let connection = try await MailConnection.connect(endpoint)
        do {
            let client = try await IMAPClient(channel: connection)
            if endpoint.security == .starttls { try await client.startTLS() }
            try await client.login(user: account.user ?? account.address, password: password)
            return client
        } catch {
            await connection.close()
            throw error
        }
    }

    /// Runs `body` on a logged-in IMAP session, and logs out.
    func withIMAP<T: Sendable>(_ body: (IMAPClient) async throws -> T) async throws -> T {
        let client = try await imap()
        do {
            let value = try await body(client)
            try? await client.logout()
            return value
        } catch {
            try? await client.logout()
            throw error
        }
    }

    public func read(
        folder: String, after watermark: MailWatermark?, since: Date?, maxBytes: Int, each: @Sendable (FetchedMail) async throws -> Void
    ) async throws -> FolderRead {
        try await withIMAP { client in
            let status = try await client.select(folder, readOnly: true)
            let validity = Int64(status.uidValidity)
            var read = FolderRead(folder: folder)
            // A changed UIDVALIDITY makes the stored UIDs meaningless: read the folder again;
            // what was taken before is recognised by its Message-ID.
            let after: UInt32
            if let watermark, watermark.validity == validity {
                after = UInt32(clamping: watermark.uid)
            } else {
                read.resynced = watermark != nil
                after = 0
            }
            let uids: [UInt32]
            if let since { uids = try await client.uidSearch("SINCE " + Self.imapDay(since)).sorted() } else { uids = try await client.uids(after: after).sorted() }
            read.watermark = MailWatermark(validity: validity, uid: Int64(after))
            guard !uids.isEmpty else { return read }
            let counter = Counter()
            try await client.fetch(uids: uids, maxBytes: maxBytes) { message in
                let mark = MailWatermark(validity: validity, uid: Int64(message.uid))
                try await each(FetchedMail(bytes: message.bytes, truncated: message.truncated, uid: Int64(message.uid), uidValidity: validity, watermark: mark))
                counter.add(Int64(message.uid))
            }
            read.fetched = counter.count
            if let last = counter.last { read.watermark = MailWatermark(validity: validity, uid: last) }
            return read
        }
    }

    /// `7-Dec-2026`, IMAP's date (RFC 3501 `date`), of `date` in UTC.
    static func imapDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(parts.day ?? 1)-\(months[(parts.month ?? 1) - 1])-\(parts.year ?? 1970)"
    }

    public func sentContains(messageID: String) async throws -> Bool {
        try await withIMAP { client in
            _ = try await client.select(account.sent, readOnly: true)
            return try await !client.uidsWithMessageID(messageID).isEmpty
        }
    }

    public func send(from: String, to: [String], message: [UInt8]) async -> SendOutcome {
        guard let endpoint = account.smtp else { return .refused("\(account.name) has no SMTP server (smtp_host)") }
        let connection: MailConnection
        do { connection = try await MailConnection.connect(endpoint) } catch {
            return .deferred("cannot connect to \(endpoint): \(error)")
        }
        do {
            let session = try await SMTPSession.open(channel: connection, security: endpoint.security, hostname: hostname)
            try await session.authenticate(user: account.user ?? account.address, password: password, allowPlaintext: endpoint.security == .none)
            let delivery = try await session.send(from: from, to: to, message: message)
            await session.quit()
            if delivery.accepted.isEmpty { return .refused(delivery.rejected.map(\.description).joined(separator: "; ")) }
            return .accepted(delivery.replyText)
        } catch {
            await connection.close()
            if error.outcomeUnknown { return .unknown(error.description) }
            return error.isTransient ? .deferred(error.description) : .refused(error.description)
        }
    }

    public func fileSent(_ message: [UInt8]) async throws {
        try await withIMAP { client in _ = try await client.append(mailbox: account.sent, message: message, flags: ["\\Seen"]) }
    }

    public func check() async throws -> [String: JSONValue] {
        var report: [String: JSONValue] = ["account": .string(account.name), "address": .string(account.address)]
        try await withIMAP { client in
            report["imap"] = .string(account.imap?.description ?? "")
            report["capabilities"] = .array(await client.capabilities.sorted().map { .string($0) })
            let folders = try await client.list()
            report["folders"] = .array(folders.map { .string($0) })
            for (key, name) in [("inbox", account.inbox), ("sent", account.sent)] {
                guard folders.contains(name) else {
                    report[key] = .object(["name": .string(name), "error": .string("no such folder; the folders are listed above")])
                    continue
                }
                let status = try await client.select(name, readOnly: true)
                report[key] = .object([
                    "name": .string(name), "messages": .integer(Int64(status.exists)), "uid_validity": .integer(Int64(status.uidValidity)),
                    "uid_next": status.uidNext.map { .integer(Int64($0)) } ?? .null,
                ])
            }
        }
        if let endpoint = account.smtp {
            do {
                let connection = try await MailConnection.connect(endpoint)
                let session = try await SMTPSession.open(channel: connection, security: endpoint.security, hostname: hostname)
                try await session.authenticate(user: account.user ?? account.address, password: password, allowPlaintext: endpoint.security == .none)
                let extensions = await session.extensions
                await session.quit()
                report["smtp"] = .object([
                    "server": .string(endpoint.description), "login": .string("ok"), "eight_bit_mime": .bool(extensions.eightBitMIME),
                    "size_limit": extensions.sizeLimit.map { .integer(Int64($0)) } ?? .null,
                ])
            } catch {
                report["smtp"] = .object(["server": .string(endpoint.description), "error": .string("\(error)")])
            }
        }
        return report
    }
}

/// Counts what a fetch handed over (its callback is `@Sendable`).
final class Counter: @unchecked Sendable {
    // Only the fetch's callback touches it, one message after another, and the caller reads it
    // after the fetch returned: never two threads at once. The lock makes that plain.
    private let lock = NSLock()
    private var values: (count: Int, last: Int64?) = (0, nil)

    func add(_ uid: Int64) {
        lock.withLock {
            values.count += 1
            values.last = uid
        }
    }

    var count: Int { lock.withLock { values.count } }
    var last: Int64? { lock.withLock { values.last } }
}
