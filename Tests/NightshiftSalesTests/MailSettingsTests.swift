import Foundation
import NightshiftCore
import NightshiftMail
import Testing
@testable import NightshiftSales

/// `[mail]` read from nightshift.toml: defaults, every mistake at its line and column.
@Suite("Mail settings")
struct MailSettingsTests {
    static func parse(_ text: String) -> (MailSettings?, [String]) {
        let (configuration, problems) = ConfigLoader.parse(text, file: "nightshift.toml", sections: [MailSettings.self])
        return (configuration?.section(MailSettings.self), problems.map { "\($0.location.line):\($0.location.column): \($0.message)" })
    }

    @Test("a whole account: ports and security defaulted from each other, the password a variable, the folders and caps")
    func wholeAccount() throws {
        let (settings, problems) = Self.parse("""
            [mail]
            send_window = "09:00-17:30"
            domain_cap = 7
            unsubscribe_secret = "env:UNSUB_KEY"
            unsubscribe_url = "https://example.com/u"

            [mail.phrases]
            interested = ["let's do it"]

            [mail.accounts.work]
            address = "Me@Example.com"
            host = "imap.example.com"
            smtp_host = "smtp.example.com"
            smtp_security = "starttls"
            password = "env:MAIL_PW"
            sent = "[Gmail]/Sent Mail"
            daily_cap = 50
            """)
        let mail = try #require(settings, "\(problems)")
        let account = try #require(mail.account(nil))
        #expect(account.address == "Me@example.com" && account.user == "Me@example.com" && account.passwordVariable == "MAIL_PW")
        #expect(account.imap == MailEndpoint(host: "imap.example.com", port: 993, security: .tls))
        #expect(account.smtp == MailEndpoint(host: "smtp.example.com", port: 587, security: .starttls))
        #expect(account.sent == "[Gmail]/Sent Mail" && account.inbox == "INBOX" && account.dailyCap == 50 && account.sentCopy == .server)
        #expect(mail.sendWindow?.start == TimeOfDay(hour: 9, minute: 0) && mail.sendWindow?.end == TimeOfDay(hour: 17, minute: 30))
        #expect(mail.domainCap == 7 && mail.unsubscribeSecretVariable == "UNSUB_KEY" && mail.phrases["interested"] == ["let's do it"])
    }

    @Test("mistakes are refused at their line and column: a literal password, plaintext off loopback, a bad port, both host and maildir, no address, an unknown key")
    func mistakes() {
        let (settings, problems) = Self.parse("""
            [mail]
            send_window = "9-5"
            unsubscribe_url = "http://example.com/u"
            colour = "blue"

            [mail.accounts.a]
            address = "not an address"
            host = "imap.example.com"
            security = "none"
            password = "hunter2"

            [mail.accounts.b]
            address = "b@example.com"
            host = "imap.example.com"
            port = 70000
            maildir = "/var/mail/b"
            password = "env:B"

            [mail.accounts.c]
            host = "127.0.0.1"
            security = "none"
            password = "env:C"
            """)
        #expect(settings == nil)
        let text = problems.joined(separator: "\n")
        #expect(text.contains("2:15: mail.send_window must be two times"), "\(text)")
        #expect(text.contains("3:19: mail.unsubscribe_url must be an https URL"), "\(text)")
        #expect(text.contains("colour"), "an unknown key is named: \(text)")
        #expect(text.contains("7:11:") && text.contains("is not an email address"), "\(text)")
        #expect(text.contains("9:12: mail.accounts.a.security = \"none\" sends the password in the clear"), "\(text)")
        #expect(text.contains("10:12:") && text.contains("must be an env:NAME reference; a password never goes in nightshift.toml"), "\(text)")
        #expect(!text.contains("hunter2"), "the password is never repeated")
        #expect(text.contains("port"), "\(text)")
        #expect(text.contains("both given"), "\(text)")
        #expect(text.contains("mail.accounts.c.address is missing"), "\(text)")
        #expect(!text.contains("mail.accounts.c.security"), "none is allowed on loopback: \(text)")
    }

    @Test("the unsubscribe token names its prospect, survives a round trip, and refuses any edit")
    func unsubscribeTokens() throws {
        let token = UnsubscribeToken(tenant: "acme", prospectID: "p_1").text(secret: "k")
        #expect(try UnsubscribeToken(checking: token, secret: "k") == UnsubscribeToken(tenant: "acme", prospectID: "p_1"))
        var bytes = Array(token.utf8)
        for index in bytes.indices where index > 3 && bytes[index] != UInt8(ascii: ".") {
            let original = bytes[index]
            bytes[index] = original == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            #expect(throws: UnsubscribeToken.Refusal.self) { try UnsubscribeToken(checking: String(decoding: bytes, as: UTF8.self), secret: "k") }
            bytes[index] = original
        }
        let other = UnsubscribeToken(tenant: "acme", prospectID: "p_2").text(secret: "k")
        let spliced = token.split(separator: ".")[0...1].joined(separator: ".") + "." + other.split(separator: ".")[2]
        #expect(throws: UnsubscribeToken.Refusal.self) { try UnsubscribeToken(checking: spliced, secret: "k") }
    }
}
