public import Foundation
public import NightshiftCore
public import NightshiftMail

/// The `[mail]` table: the mail accounts the reply monitor reads and the send job sends through,
/// and what governs both (docs/SALES.md, "Mail").
///
/// ```toml
/// [mail]
/// send_window = "09:00-17:00"                  # the send job sends only within these hours
/// domain_cap = 20                              # mails a day to one recipient domain, all accounts
/// unsubscribe_secret = "env:NIGHTSHIFT_UNSUBSCRIBE_SECRET"
/// unsubscribe_url = "https://example.com/unsubscribe"   # the one-click endpoint (RFC 8058)
/// unsubscribe_address = "unsubscribe@example.com"        # default: the account's address, +unsubscribe
///
/// [mail.accounts.work]
/// address = "operator@example.com"
/// name = "Ada Operator"
/// host = "imap.example.com"                    # IMAP; or maildir = "/home/ada/Maildir"
/// port = 993
/// security = "tls"                             # tls | starttls | none (loopback only)
/// smtp_host = "smtp.example.com"
/// smtp_port = 587
/// smtp_security = "starttls"
/// user = "operator@example.com"
/// password = "env:MAIL_PASSWORD"               # always an env: reference
/// inbox = "INBOX"
/// sent = "Sent"
/// sent_copy = "server"                         # the server files sent mail (Gmail, Outlook), or "append"
/// daily_cap = 200                              # mails a day through this account
/// ```
public struct MailSettings: ConfigSection, Hashable {
    public static let key = "mail"

    public var accounts: [MailAccount] = []
    /// The hours the send job sends in (the workspace's zone); nil: any hour.
    public var sendWindow: (start: TimeOfDay, end: TimeOfDay)?
    public var domainCap = 20
    /// The variable holding the key of the unsubscribe tokens' HMAC.
    public var unsubscribeSecretVariable: String?
    public var unsubscribeURL: String?
    public var unsubscribeAddress: String?
    /// `monitor_schedule` (cron, default every 30 minutes) and `send_schedule` (default every 4 hours).
    public var monitorSchedule = "*/30 * * * *"
    public var sendSchedule = "20 */4 * * *"
    /// Messages larger than this are fetched in part (the first bytes), in bytes.
    public var maximumMessageBytes = 10 * 1024 * 1024
    /// `[mail.phrases]`: phrases added to the classifier's defaults, by class.
    public var phrases: [String: [String]] = [:]
    /// `classifier = [...]`: a model behind a command classifies instead of the rules (`{file}` is the message).
    public var classifierCommand: [String] = []

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        a.accounts == b.accounts && a.sendWindow?.start == b.sendWindow?.start && a.sendWindow?.end == b.sendWindow?.end
            && a.domainCap == b.domainCap && a.unsubscribeSecretVariable == b.unsubscribeSecretVariable && a.unsubscribeURL == b.unsubscribeURL
            && a.unsubscribeAddress == b.unsubscribeAddress && a.monitorSchedule == b.monitorSchedule && a.sendSchedule == b.sendSchedule
            && a.maximumMessageBytes == b.maximumMessageBytes && a.phrases == b.phrases && a.classifierCommand == b.classifierCommand
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(accounts)
        hasher.combine(domainCap)
        hasher.combine(monitorSchedule)
    }

    /// The account `name`, or the only one when `name` is nil.
    public func account(_ name: String?) -> MailAccount? {
        guard let name else { return accounts.count == 1 ? accounts[0] : nil }
        return accounts.first { $0.name == name }
    }

    static let keys = [
        "accounts", "send_window", "domain_cap", "unsubscribe_secret", "unsubscribe_url", "unsubscribe_address", "monitor_schedule",
        "send_schedule", "max_message_bytes", "phrases", "classifier",
    ]
    static let phraseClasses = ["interested", "not_interested", "unsubscribe", "ooo", "referral"]

    public init?(reading table: TableReader) {
        var ok = true
        defer { table.finish(known: Self.keys) }
        if let list = table.subtable("accounts") {
            for entry in list.table.entries {
                guard let account = list.subtable(entry.key) else { ok = false; continue }
                if let parsed = MailAccount(name: entry.key, reading: account) { accounts.append(parsed) } else { ok = false }
            }
            accounts.sort { $0.name < $1.name }
        }
        if let (text, location) = table.string("send_window") {
            let parts = text.split(separator: "-").map { TimeOfDay(parsing: String($0).trimmingCharacters(in: .whitespaces)) }
            if parts.count == 2, let start = parts[0], let end = parts[1], start != end {
                sendWindow = (start, end)
            } else {
                table.error("mail.send_window must be two times written HH:MM-HH:MM, e.g. \"09:00-17:00\", found \"\(text)\"", at: location)
                ok = false
            }
        }
        if let cap = table.int("domain_cap", in: 0...1_000_000) { domainCap = cap }
        if let (text, location) = table.string("unsubscribe_secret") {
            if text.hasPrefix("env:"), table.checkEnvironmentReference(text, at: location) {
                unsubscribeSecretVariable = String(text.dropFirst(4))
            } else {
                if !text.hasPrefix("env:") {
                    table.error("mail.unsubscribe_secret must be an env:NAME reference; a secret never goes in nightshift.toml", at: location)
                }
                ok = false
            }
        }
        if let (text, location) = table.string("unsubscribe_url") {
            if let url = URL(string: text), url.scheme?.lowercased() == "https", url.host != nil {
                unsubscribeURL = text
            } else {
                table.error("mail.unsubscribe_url must be an https URL (RFC 8058), found \"\(text)\"", at: location)
                ok = false
            }
        }
        if let (text, location) = table.string("unsubscribe_address") {
            if let address = EmailAddress.normalised(text) { unsubscribeAddress = address } else {
                table.error("mail.unsubscribe_address is not an email address: \"\(text)\"", at: location)
                ok = false
            }
        }
        for (key, _) in [("monitor_schedule", 0), ("send_schedule", 1)] {
            guard let (text, location) = table.string(key) else { continue }
            do { _ = try Schedule.cron(parsing: text) } catch {
                table.error("mail.\(key): \(error)", at: location)
                ok = false
                continue
            }
            if key == "monitor_schedule" { monitorSchedule = text } else { sendSchedule = text }
        }
        if let bytes = table.int("max_message_bytes", in: 4096...(1 << 30)) { maximumMessageBytes = bytes }
        if let phraseTable = table.subtable("phrases") {
            for name in Self.phraseClasses {
                if let (list, _) = phraseTable.stringArray(name) { phrases[name] = list.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } }
            }
            phraseTable.finish(known: Self.phraseClasses)
        }
        if let (command, location) = table.stringArray("classifier") {
            if command.first?.isEmpty ?? true {
                table.error("mail.classifier must name a program, e.g. [\"./bin/classify\", \"{file}\"]", at: location)
                ok = false
            }
            classifierCommand = command
        }
        guard ok else { return nil }
    }
}

/// `[mail.accounts.NAME]`: one mailbox, read over IMAP (or from a Maildir) and sent from over SMTP.
public struct MailAccount: Sendable, Hashable {
    public enum SentCopy: String, Sendable, Hashable, CaseIterable {
        /// The server files what is sent through it in the Sent folder (Gmail, Outlook).
        case server
        /// Nightshift appends each sent mail to the Sent folder over IMAP.
        case append
    }

    public var name: String
    public var address: String
    public var displayName: String?
    /// IMAP: nil when the account reads a Maildir.
    public var imap: MailEndpoint?
    public var smtp: MailEndpoint?
    public var maildir: String?
    public var user: String?
    /// The variable holding the password.
    public var passwordVariable: String?
    public var inbox = "INBOX"
    public var sent = "Sent"
    public var sentCopy = SentCopy.server
    public var dailyCap = 200

    static let keys = [
        "address", "name", "host", "port", "security", "smtp_host", "smtp_port", "smtp_security", "user", "password", "inbox", "sent", "sent_copy",
        "daily_cap", "maildir", "ca_file", "timeout",
    ]

    public init(name: String, address: String) {
        self.name = name
        self.address = address
    }

    init?(name: String, reading table: TableReader) {
        defer { table.finish(known: Self.keys) }
        var ok = true
        self.name = name
        address = ""
        if let (text, location) = table.string("address") {
            if let normalised = EmailAddress.normalised(text) { address = normalised } else {
                table.error("\(table.name("address")) is not an email address: \"\(text)\"", at: location)
                ok = false
            }
        } else {
            table.error("\(table.name("address")) is missing: the address mail is sent from and replies come to", at: table.location)
            ok = false
        }
        displayName = table.string("name")?.0
        var caFile: String?
        if let (path, _) = table.string("ca_file") { caFile = path }
        let timeout = table.has("timeout") ? table.duration("timeout") : .seconds(60)
        func endpoint(host hostKey: String, port portKey: String, security securityKey: String, defaultHost: String?) -> MailEndpoint? {
            guard let host = table.string(hostKey)?.0 ?? defaultHost else { return nil }
            let security = table.choice(securityKey, MailSecurity.self) ?? (table.has(securityKey) ? nil : .tls)
            guard let security else { ok = false; return nil }
            if security == .none, !["127.0.0.1", "::1", "localhost"].contains(host.lowercased()) {
                let location = table.string(securityKey)?.1 ?? table.location
                table.error("\(table.name(securityKey)) = \"none\" sends the password in the clear: only for a server on loopback, not \(host)", at: location)
                ok = false
            }
            let isSMTP = hostKey == "smtp_host"
            let standard = switch (isSMTP, security) {
            case (false, .tls): 993
            case (false, _): 143
            case (true, .tls): 465
            case (true, .starttls): 587
            case (true, .none): 25
            }
            let port = table.has(portKey) ? table.int(portKey, in: 1...65_535) : standard
            guard let port else { ok = false; return nil }
            return MailEndpoint(host: host, port: port, security: security, caFile: caFile, timeout: timeout ?? .seconds(60))
        }
        if let (path, _) = table.string("maildir") { maildir = path }
        imap = endpoint(host: "host", port: "port", security: "security", defaultHost: nil)
        smtp = endpoint(host: "smtp_host", port: "smtp_port", security: "smtp_security", defaultHost: imap?.host)
        if imap == nil, maildir == nil, ok {
            table.error("\(table.name("host")) is missing: the IMAP server (or maildir = \"PATH\" for mail another program delivers)", at: table.location)
            ok = false
        }
        if table.has("host"), maildir != nil {
            table.error("\(table.name("maildir")) and \(table.name("host")) both given: an account reads one of them", at: table.location)
            ok = false
        }
        user = table.string("user")?.0 ?? address
        if let (text, location) = table.string("password") {
            if text.hasPrefix("env:"), table.checkEnvironmentReference(text, at: location) {
                passwordVariable = String(text.dropFirst(4))
            } else {
                if !text.hasPrefix("env:") {
                    table.error("\(table.name("password")) must be an env:NAME reference; a password never goes in nightshift.toml", at: location)
                }
                ok = false
            }
        } else if imap != nil || table.has("smtp_host") {
            table.error("\(table.name("password")) is missing: \"env:NAME\", the variable holding the password", at: table.location)
            ok = false
        }
        if let (text, _) = table.string("inbox") { inbox = text }
        if let (text, _) = table.string("sent") { sent = text }
        if let copy = table.choice("sent_copy", SentCopy.self) { sentCopy = copy } else if table.has("sent_copy") { ok = false }
        if let cap = table.int("daily_cap", in: 0...1_000_000) { dailyCap = cap }
        guard ok else { return nil }
    }
}
