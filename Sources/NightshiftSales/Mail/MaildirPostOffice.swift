public import Foundation
public import NightshiftCore
public import NightshiftMail

/// An account whose mail another program delivers into a Maildir (`maildir = "PATH"`): its inbox
/// is the Maildir's root, another folder a Maildir++ subfolder (`Sent` is `.Sent`). Sending, when
/// the account has an SMTP server, goes through it as for ``NetworkPostOffice``.
///
/// A folder's watermark is the last key taken: keys begin with the delivery time, so a read takes
/// the keys after it in order. A message delivered with a key that sorts before it (a clock set
/// back) would be missed; the monitor's resync by `Message-ID` does not reach it either.
public struct MaildirPostOffice: MailPostOffice {
    let account: MailAccount
    let root: Maildir
    let network: NetworkPostOffice?

    public init(account: MailAccount, path: String, password: String? = nil) {
        self.account = account
        self.root = Maildir(path: path)
        self.network = password.map { NetworkPostOffice(account: account, password: $0) }
    }

    /// The Maildir of `folder`.
    func maildir(_ folder: String) throws -> Maildir {
        if folder.uppercased() == "INBOX" || folder.isEmpty { return root }
        guard let sub = try root.subfolders().first(where: { $0.name == folder }) else {
            throw MailAccountError("\(account.name): \(root.path) has no folder \(folder) (a Maildir++ .\(folder) beside cur/ and new/)")
        }
        return sub.maildir
    }

    public func read(
        folder: String, after watermark: MailWatermark?, since: Date?, maxBytes: Int, each: @Sendable (FetchedMail) async throws -> Void
    ) async throws -> FolderRead {
        let box = try maildir(folder)
        var read = FolderRead(folder: folder)
        let last = watermark?.key
        read.watermark = watermark
        for entry in try box.messages() {
            if let since {
                // The day it arrived: the file's time (delivery writes it once).
                let modified = (try? FileManager.default.attributesOfItem(atPath: entry.path)[.modificationDate] as? Date) ?? nil
                guard (modified ?? .distantPast) >= since else { continue }
            } else if let last, entry.key <= last {
                continue
            }
            let bytes: [UInt8]
            do { bytes = try box.read(entry) } catch {
                // Moved away or deleted since the listing by the program that owns the folder.
                continue
            }
            let mark = MailWatermark(validity: 0, uid: 0, key: entry.key)
            try await each(FetchedMail(bytes: Array(bytes.prefix(maxBytes)), truncated: bytes.count > maxBytes, uid: nil, uidValidity: nil, watermark: mark))
            read.fetched += 1
            read.watermark = mark
        }
        return read
    }

    public func sentContains(messageID: String) async throws -> Bool {
        let box = try maildir(account.sent)
        for entry in try box.messages() {
            guard let bytes = try? box.read(entry) else { continue }
            // Only the header is needed: cut at the first empty line.
            let head = Self.header(of: bytes)
            if MailMessage(bytes: head).messageID == messageID { return true }
        }
        return false
    }

    static func header(of bytes: [UInt8]) -> [UInt8] {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0A, bytes[index + 1] == 0x0A { return Array(bytes[...index]) }
            if index + 3 < bytes.count, bytes[index] == 0x0D, bytes[index + 1] == 0x0A, bytes[index + 2] == 0x0D, bytes[index + 3] == 0x0A {
                return Array(bytes[...(index + 1)])
            }
            index += 1
        }
        return bytes
    }

    public func send(from: String, to: [String], message: [UInt8]) async -> SendOutcome {
        guard let network else { return .refused("\(account.name) reads a Maildir and has no SMTP server to send through (smtp_host, password)") }
        return await network.send(from: from, to: to, message: message)
    }

    /// Files the copy the Maildir way: written in `tmp/`, then moved into `cur/` marked seen.
    public func fileSent(_ message: [UInt8]) async throws {
        let box = try maildir(account.sent)
        let name = "\(Int(Date().timeIntervalSince1970)).M\(UInt32.random(in: 0...UInt32.max))P\(ProcessInfo.processInfo.processIdentifier).nightshift"
        let temporary = "\(box.path)/tmp/\(name)"
        try Data(message).write(to: URL(fileURLWithPath: temporary))
        try FileManager.default.moveItem(atPath: temporary, toPath: "\(box.path)/cur/\(name):2,S")
    }

    public func check() async throws -> [String: JSONValue] {
        var report: [String: JSONValue] = ["account": .string(account.name), "address": .string(account.address), "maildir": .string(root.path)]
        let subfolders = try root.subfolders()
        report["folders"] = .array((["INBOX"] + subfolders.map(\.name)).map { .string($0) })
        for (key, name) in [("inbox", account.inbox), ("sent", account.sent)] {
            do {
                report[key] = .object(["name": .string(name), "messages": .integer(Int64(try maildir(name).messages().count))])
            } catch {
                report[key] = .object(["name": .string(name), "error": .string("\(error)")])
            }
        }
        return report
    }
}
