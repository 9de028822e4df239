import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NightshiftTesting
import Testing

/// The mail servers the other mail tests run against (scripts/mail-test-server): they start, they
/// speak IMAP and SMTP over TLS with the certificate they hand out, and the helpers of
/// ``MailTestServer`` do what they say. Python's imaplib and smtplib (/usr/bin/python3, child
/// processes) stand in for the clients Nightshift does not have yet; NIO and NIOSSL for raw bytes.
@Suite("The mail test servers")
struct MailTestServerTests {
    @Test("endpoints() starts or finds the servers and names what they use")
    func endpoints() throws {
        let mail = try MailTestServer.endpoints()
        #expect(mail.host == "127.0.0.1")
        #expect(Set([mail.imapPort, mail.imapsPort, mail.smtpPort]).count == 3)
        #expect(mail.user == "operator" && mail.password == "nightshift-test" && mail.address == "operator@nightshift.test")
        let files = FileManager.default
        for folder in ["\(mail.maildir)/new", "\(mail.maildir)/cur", "\(mail.maildir)/.Sent/cur", mail.outside] {
            #expect(files.fileExists(atPath: folder), "\(folder) is missing")
        }
        #expect(files.fileExists(atPath: mail.faultsFile))
        let certificate = try String(contentsOfFile: mail.caFile, encoding: .utf8)
        #expect(certificate.contains("-----BEGIN CERTIFICATE-----"))
    }

    @Test("scripts/mail-test-server check passes")
    func check() async throws {
        let mail = try MailTestServer.endpoints()
        let result = try await MailTestServer.withMailbox {
            try await ChildProcess.run(
                MailTestServer.script, ["check"], environment: Self.environment(mail), timeout: 120)
        }
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("all checks passed"), "\(result)")
        #expect(!result.stdout.contains("FAIL"), "\(result)")
    }

    @Test("deliver() writes into new/ through tmp/, and Dovecot serves the message")
    func deliver() async throws {
        let mail = try MailTestServer.endpoints()
        let id = "<deliver-\(UUID().uuidString)@nightshift.test>"
        let message = Array("From: a@outside.test\r\nTo: \(mail.address)\r\nSubject: deliver\r\nMessage-ID: \(id)\r\n\r\nHello.\r\n".utf8)
        try await MailTestServer.withMailbox {
            let path = try MailTestServer.deliver(message)
            #expect(path.hasPrefix("\(mail.maildir)/new/"))
            #expect(FileManager.default.contents(atPath: path).map([UInt8].init) == message)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o644)
            let owner = try FileManager.default.attributesOfItem(atPath: mail.maildir)[.ownerAccountID] as? NSNumber
            #expect(attributes[.ownerAccountID] as? NSNumber == owner, "the message should belong to the Maildir's owner")
            #expect(!FileManager.default.fileExists(atPath: "\(mail.maildir)/tmp/\(URL(fileURLWithPath: path).lastPathComponent)"))
            #expect(try MailTestServer.messages().contains(message))
            #expect(try await Self.imapSearch(mail, folder: "INBOX", messageID: id) == 1)

            let folder = "Nightshift-tests/deliver"
            let other = try MailTestServer.deliver(message, to: folder)
            #expect(other.hasPrefix("\(mail.maildir)/.Nightshift-tests.deliver/new/"))
            #expect(FileManager.default.fileExists(atPath: "\(mail.maildir)/.Nightshift-tests.deliver/maildirfolder"))
            #expect(try await Self.imapSearch(mail, folder: folder, messageID: id) == 1)

            try Self.remove(messageID: id, from: [mail.maildir, "\(mail.maildir)/.Nightshift-tests.deliver"])
        }
    }

    @Test("the IMAP port greets with * OK and offers STARTTLS, AUTH=PLAIN and IDLE")
    func imapGreeting() async throws {
        let mail = try MailTestServer.endpoints()
        let text = try await Self.converse(port: mail.imapPort, send: "a1 CAPABILITY\r\n") { $0.contains("a1 OK") }
        #expect(text.hasPrefix("* OK"), "\(text)")
        let capabilities = text.split(separator: "\r\n").first { $0.hasPrefix("* CAPABILITY") } ?? ""
        for wanted in ["IMAP4rev1", "STARTTLS", "AUTH=PLAIN", "IDLE"] {
            #expect(capabilities.split(separator: " ").contains(Substring(wanted)), "\(wanted) missing: \(text)")
        }
        #expect(!capabilities.contains("LOGINDISABLED"), "\(text)")
    }

    @Test("the SMTP port greets with 220 and offers STARTTLS, 8BITMIME, SIZE and AUTH PLAIN LOGIN")
    func smtpGreeting() async throws {
        let mail = try MailTestServer.endpoints()
        let text = try await Self.converse(port: mail.smtpPort, send: "EHLO test.nightshift.test\r\n") { text in
            text.split(separator: "\r\n").contains { $0.hasPrefix("250 ") }
        }
        #expect(text.hasPrefix("220 "), "\(text)")
        for wanted in ["250-STARTTLS", "250-8BITMIME", "250-SIZE", "AUTH LOGIN PLAIN"] {
            #expect(text.contains(wanted), "\(wanted) missing: \(text)")
        }
    }

    @Test("IMAPS: NIOSSL trusting caFile accepts the certificate, the system's roots do not")
    func imapsWithNIOSSL() async throws {
        let mail = try MailTestServer.endpoints()
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(mail.caFile)
        let trusting = try NIOSSLContext(configuration: configuration)
        let text = try await Self.converse(port: mail.imapsPort, tls: trusting, serverHostname: "localhost") { $0.contains("\r\n") }
        #expect(text.hasPrefix("* OK"), "\(text)")

        // The system's roots instead of the test CA: refused. (Another name with the right roots is not:
        // NIOSSL takes a certificate whose IP subjectAltName is the address connected to, 127.0.0.1
        // here, whatever serverHostname says. Python's check verifies the name `localhost`.)
        let system = try NIOSSLContext(configuration: .makeClientConfiguration())
        await #expect(throws: (any Error).self) {
            _ = try await Self.converse(port: mail.imapsPort, tls: system, serverHostname: "localhost") { $0.contains("\r\n") }
        }
    }

    @Test("a fault rule of a test's own: 451 at RCPT the first time, then delivered once")
    func faultRule() async throws {
        let mail = try MailTestServer.endpoints()
        let name = "faultRule-\(UUID().uuidString)"
        let recipient = "flaky-\(name)@outside.test"
        try MailTestServer.setFaults(
            #"[{"recipient": "\#(recipient)", "stage": "rcpt", "code": 451, "text": "4.4.1 later", "times": 1}]"#, named: name)
        defer { try? FileManager.default.removeItem(atPath: "\(mail.directory)/smtp-faults.d/\(name).json") }
        #expect(throws: MailTestServerError.self) { try MailTestServer.setFaults("not json", named: name) }

        let codes = try await Self.python(
            """
            import smtplib, sys
            port, recipient = int(sys.argv[1]), sys.argv[2]
            message = f"From: x@outside.test\\r\\nTo: {recipient}\\r\\nSubject: fault\\r\\nMessage-ID: <{recipient}>\\r\\n\\r\\nHi\\r\\n"
            codes = []
            for attempt in range(2):
                with smtplib.SMTP("127.0.0.1", port, local_hostname="test.nightshift.test", timeout=20) as smtp:
                    try:
                        smtp.sendmail("x@outside.test", [recipient], message)
                        codes.append(250)
                    except smtplib.SMTPRecipientsRefused as error:
                        codes.append(error.recipients[recipient][0])
            print(*codes)
            """, [String(mail.smtpPort), recipient])
        #expect(codes == "451 250")
        let received = try MailTestServer.outsideMessages(for: recipient.uppercased())
        #expect(received.count == 1)
        let first = received.first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        #expect(first.hasPrefix("Return-Path: <x@outside.test>\r\nDelivered-To: \(recipient)\r\n"), "\(first)")
        #expect(try MailTestServer.outsideMessages(for: "nobody-\(name)@outside.test").isEmpty)
        try? FileManager.default.removeItem(atPath: "\(mail.outside)/\(recipient.lowercased())")
    }

    @Test("clearMailbox() empties INBOX and Sent, and Dovecot agrees")
    func clearMailbox() async throws {
        let mail = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox(exclusive: true) {
            let id = "<clear-\(UUID().uuidString)@nightshift.test>"
            let message = Array("Subject: clear\r\nMessage-ID: \(id)\r\n\r\nbody\r\n".utf8)
            try MailTestServer.deliver(message)
            try MailTestServer.deliver(message, to: "Sent")
            #expect(try await Self.imapSearch(mail, folder: "INBOX", messageID: id) == 1)
            try MailTestServer.clearMailbox()
            #expect(try MailTestServer.messages().isEmpty)
            #expect(try MailTestServer.messages(in: "Sent").isEmpty)
            #expect(try await Self.imapExists(mail, folder: "INBOX") == 0)
            #expect(try await Self.imapExists(mail, folder: "Sent") == 0)
        }
    }

    @Test("restartIMAP() cuts a logged-in connection and keeps the mail and its UIDVALIDITY")
    func restartIMAP() async throws {
        let mail = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox(exclusive: true) {
            let id = "<restart-\(UUID().uuidString)@nightshift.test>"
            try MailTestServer.deliver(Array("Subject: restart\r\nMessage-ID: \(id)\r\n\r\nbody\r\n".utf8))
            let before = try await Self.imapValidity(mail, folder: "INBOX")

            let channel = try await Self.connect(port: mail.imapPort)
            let (loggedIn, ended) = try await channel.executeThenClose { inbound, outbound in
                var text = ""
                var iterator = inbound.makeAsyncIterator()
                try await outbound.write(ByteBuffer(string: "a1 LOGIN operator nightshift-test\r\na2 SELECT INBOX\r\n"))
                while !text.contains("a2 OK"), var buffer = try await iterator.next() {
                    text += buffer.readString(length: buffer.readableBytes) ?? ""
                }
                let loggedIn = text.contains("a1 OK")
                try await Task.detached { try MailTestServer.restartIMAP() }.value
                // The session must end: its bytes (a BYE at most), then the end of the stream.
                var ended = false
                do {
                    while try await iterator.next() != nil {}
                    ended = true
                } catch {
                    ended = true  // a reset is a cut connection too
                }
                return (loggedIn, ended)
            }
            #expect(loggedIn)
            #expect(ended)
            #expect(try await Self.imapSearch(mail, folder: "INBOX", messageID: id) == 1)
            #expect(try await Self.imapValidity(mail, folder: "INBOX") == before)
            try Self.remove(messageID: id, from: [mail.maildir])
        }
    }
}

// MARK: - Helpers

extension MailTestServerTests {
    static let python = "/usr/bin/python3"

    static func environment(_ mail: MailTestEndpoints) -> [String: String] {
        ProcessInfo.processInfo.environment.merging([MailTestServer.environmentVariable: mail.directory]) { _, new in new }
    }

    /// Runs a Python program with arguments; its stdout, trimmed. Fails on a non-zero exit.
    static func python(_ program: String, _ arguments: [String]) async throws -> String {
        let result = try await ChildProcess.run(python, ["-c", program] + arguments, environment: ProcessInfo.processInfo.environment, timeout: 60)
        guard result.status == 0 else { throw MailTestServerError(message: "python failed: \(result)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// How many messages of `folder` carry this Message-ID, through IMAP (EXAMINE: nothing moved).
    static func imapSearch(_ mail: MailTestEndpoints, folder: String, messageID: String) async throws -> Int {
        let output = try await python(
            """
            import imaplib, sys
            port, user, password, folder, message_id = sys.argv[1:6]
            with imaplib.IMAP4("127.0.0.1", int(port), timeout=20) as imap:
                imap.login(user, password)
                typ, data = imap.select(f'"{folder}"', readonly=True)
                assert typ == "OK", data
                typ, data = imap.uid("SEARCH", None, "HEADER", "Message-ID", f'"{message_id}"')
                print(len(data[0].split()))
            """, [String(mail.imapPort), mail.user, mail.password, folder, messageID])
        return Int(output) ?? -1
    }

    /// The number of messages Dovecot counts in `folder` (SELECT's EXISTS).
    static func imapExists(_ mail: MailTestEndpoints, folder: String) async throws -> Int {
        Int(try await imapSelect(mail, folder: folder, answer: "EXISTS")) ?? -1
    }

    static func imapValidity(_ mail: MailTestEndpoints, folder: String) async throws -> String {
        try await imapSelect(mail, folder: folder, answer: "UIDVALIDITY")
    }

    private static func imapSelect(_ mail: MailTestEndpoints, folder: String, answer: String) async throws -> String {
        try await python(
            """
            import imaplib, sys
            port, user, password, folder, answer = sys.argv[1:6]
            with imaplib.IMAP4("127.0.0.1", int(port), timeout=20) as imap:
                imap.login(user, password)
                typ, data = imap.select(f'"{folder}"', readonly=True)
                assert typ == "OK", data
                print(imap.untagged_responses[answer][-1].decode())
            """, [String(mail.imapPort), mail.user, mail.password, folder, answer])
    }

    /// Removes the files of a Maildir folder (new/ and cur/) that hold this Message-ID.
    static func remove(messageID: String, from folders: [String]) throws {
        let files = FileManager.default
        for folder in folders {
            for sub in ["new", "cur"] {
                for name in try files.contentsOfDirectory(atPath: "\(folder)/\(sub)") {
                    let path = "\(folder)/\(sub)/\(name)"
                    if let data = files.contents(atPath: path), String(decoding: data, as: UTF8.self).contains(messageID) {
                        try? files.removeItem(atPath: path)
                    }
                }
            }
        }
    }

    static func connect(
        port: Int, tls: NIOSSLContext? = nil, serverHostname: String? = nil
    ) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverHostname))
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        // Nothing here should take long: a server that stops answering ends the stream, not the test run.
        channel.channel.eventLoop.scheduleTask(in: .seconds(30)) { channel.channel.close(promise: nil) }
        return channel
    }

    /// Connects, reads the greeting line, writes `send` (if any), and reads until `done` holds for all
    /// the text read (or the server closes). Returns that text.
    static func converse(
        port: Int, tls: NIOSSLContext? = nil, serverHostname: String? = nil, send: String? = nil,
        until done: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        let channel = try await connect(port: port, tls: tls, serverHostname: serverHostname)
        return try await channel.executeThenClose { inbound, outbound in
            var text = ""
            var sent = false
            for try await var buffer in inbound {
                text += buffer.readString(length: buffer.readableBytes) ?? ""
                if let send, !sent, text.contains("\r\n") {
                    try await outbound.write(ByteBuffer(string: send))
                    sent = true
                    continue
                }
                if (send == nil || sent) && done(text) { break }
            }
            return text
        }
    }
}
