import Foundation
import NightshiftTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mail with the built binary against the real servers of `scripts/mail-test-server` (Dovecot over
/// IMAP with STARTTLS, an SMTP server that delivers into its Maildir and files sent mail in Sent):
/// nurture mail sent over SMTP, a reply of each class read by the monitor, the review queue, the
/// suppressions, the stopped and paused sequences; SIGKILL in the middle of a send; the IMAP
/// connection cut in the middle of a fetch; a changed UIDVALIDITY.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct MailCLITests {
    static let environment = ["NS_MAIL_PASSWORD": "nightshift-test", "NS_UNSUB": "an-unsubscribe-key-for-the-tests"]

    /// The `[mail]` table for the test servers.
    static func mailConfig(_ servers: MailTestEndpoints, extra: String = "") -> String {
        """

        [mail]
        unsubscribe_secret = "env:NS_UNSUB"
        \(extra)

        [mail.accounts.work]
        address = "\(servers.address)"
        host = "127.0.0.1"
        port = \(servers.imapPort)
        security = "starttls"
        smtp_port = \(servers.smtpPort)
        smtp_security = "starttls"
        user = "\(servers.user)"
        password = "env:NS_MAIL_PASSWORD"
        ca_file = "\(servers.caFile)"

        """
    }

    /// The sales example with `people` (first name → address) as its prospects, `[mail]` added,
    /// and each drafted the welcome sequence's first mail.
    static func workspace(_ workspace: TestWorkspace, people: [(String, String)], servers: MailTestEndpoints, extra: String = "") async throws {
        let created = try await CLI.run(["init", "--example", "sales", "-w", workspace.root])
        guard created.status == 0 else { throw CLIError("init failed: \(created)") }
        let csv = "first_name,last_name,email,company,title\n" + people.map { "\($0.0),Tester,\($0.1),Company \($0.0),CEO" }.joined(separator: "\n") + "\n"
        try csv.write(toFile: "\(workspace.root)/people.csv", atomically: true, encoding: .utf8)
        let config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
        try (config + mailConfig(servers, extra: extra)).write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
        for arguments in [["prospects", "import", "\(workspace.root)/people.csv"], ["prospects", "assess"], ["prospects", "step", "nurture"]] {
            let result = try await CLI.run(arguments + ["-w", workspace.root], environment: environment)
            guard result.status == 0 else { throw CLIError("\(arguments) failed: \(result)") }
        }
    }

    static func query(_ workspace: TestWorkspace, _ sql: String) async throws -> String {
        try await SQLiteTool.query(workspace.storePath, sql) ?? ""
    }

    /// The Message-ID of the one mail `address` received.
    static func sentMessageID(to address: String) throws -> String {
        let messages = try MailTestServer.outsideMessages(for: address)
        guard messages.count == 1 else { throw CLIError("\(address) received \(messages.count) mails, not 1") }
        let text = String(decoding: messages[0], as: UTF8.self)
        guard let line = text.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("message-id:") }) else {
            throw CLIError("no Message-ID in the mail to \(address)")
        }
        return line.dropFirst("message-id:".count).trimmingCharacters(in: CharacterSet(charactersIn: " <>"))
    }

    static func reply(from: String, to: String, subject: String, inReplyTo: String?, id: String, headers: [String] = [], body: String) -> [UInt8] {
        var lines = ["From: \(from)", "To: \(to)", "Subject: \(subject)", "Date: \(Self.dateHeader())", "Message-ID: <\(id)>"]
        if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
        lines += headers
        if !headers.contains(where: { $0.hasPrefix("Content-Type") }) { lines.append("Content-Type: text/plain; charset=utf-8") }
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n").utf8)
    }

    static func dateHeader() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: Date())
    }

    static func json(_ workspace: TestWorkspace, _ arguments: String...) async throws -> Any {
        let result = try await CLI.run(arguments + ["--json", "-w", workspace.root], environment: environment)
        guard result.status == 0 else { throw CLIError("\(arguments) failed: \(result)") }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    @Test("nurture mail goes out over SMTP; a reply of each class comes back through IMAP: review queue, suppressions, stopped and paused sequences, the thread")
    func replyOfEachClass() async throws {
        let servers = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox(exclusive: true) {
            try MailTestServer.clearMailbox()
            try await withWorkspace { workspace in
                let run = UUID().uuidString.prefix(8).lowercased()
                let names = ["Ivy", "Nora", "Otto", "Bea", "Cid", "Remy"]
                let people = names.map { ($0, "\($0.lowercased())@\($0.lowercased())-\(run).example") }
                try await Self.workspace(workspace, people: people, servers: servers)
                let sent = try await CLI.run(workspace.args("jobs", "run", "mail-send"), environment: Self.environment, timeout: 90)
                #expect(sent.status == 0, "\(sent)")
                #expect(try await Self.query(workspace, "SELECT COUNT(*) FROM sales_outbox WHERE state = 'sent'") == "6")
                var ids: [String: String] = [:]
                for (name, address) in people {
                    ids[name] = try Self.sentMessageID(to: address)
                    let text = String(decoding: try MailTestServer.outsideMessages(for: address)[0], as: UTF8.self)
                    #expect(text.contains("List-Unsubscribe: <mailto:"), "every nurture mail carries List-Unsubscribe")
                }
                let me = servers.address
                let later = Calendar(identifier: .gregorian).date(byAdding: .day, value: 20, to: Date())!
                let back = ISO8601DateFormatter().string(from: later).prefix(10)
                let replies: [[UInt8]] = [
                    Self.reply(from: people[0].1, to: me, subject: "Re: hello", inReplyTo: ids["Ivy"], id: "i-\(run)@x", body: "Sounds interesting, could we set up a call next week?"),
                    Self.reply(from: people[1].1, to: me, subject: "Re: hello", inReplyTo: ids["Nora"], id: "n-\(run)@x", body: "Please remove me from your mailing list."),
                    Self.reply(
                        from: people[2].1, to: me, subject: "Automatic reply: hello", inReplyTo: ids["Otto"], id: "o-\(run)@x",
                        headers: ["Auto-Submitted: auto-replied"], body: "I am out of the office until \(back) with no access to email."
                    ),
                    Self.reply(
                        from: "MAILER-DAEMON@mx.\(run).example", to: me, subject: "Undelivered Mail Returned to Sender", inReplyTo: nil, id: "b-\(run)@x",
                        headers: ["MIME-Version: 1.0", "Content-Type: multipart/report; report-type=delivery-status; boundary=\"BB\""],
                        body: """
                            --BB
                            Content-Type: text/plain

                            This is the mail system. Your message could not be delivered.
                            --BB
                            Content-Type: message/delivery-status

                            Reporting-MTA: dns; mx.\(run).example

                            Final-Recipient: rfc822; \(people[3].1)
                            Action: failed
                            Status: 5.1.1
                            Diagnostic-Code: smtp; 550 5.1.1 no such user
                            --BB
                            Content-Type: text/rfc822-headers

                            Message-ID: <\(ids["Bea"]!)>
                            To: \(people[3].1)
                            --BB--
                            """
                    ),
                    Self.reply(
                        from: "fbl@isp.\(run).example", to: me, subject: "Complaint", inReplyTo: nil, id: "c-\(run)@x",
                        headers: ["MIME-Version: 1.0", "Content-Type: multipart/report; report-type=feedback-report; boundary=\"FB\""],
                        body: """
                            --FB
                            Content-Type: text/plain

                            This is an abuse report.
                            --FB
                            Content-Type: message/feedback-report

                            Feedback-Type: abuse
                            User-Agent: isp-fbl/1.0
                            Version: 1
                            Original-Rcpt-To: \(people[4].1)

                            --FB
                            Content-Type: text/rfc822-headers

                            Message-ID: <\(ids["Cid"]!)>
                            To: \(people[4].1)
                            --FB--
                            """
                    ),
                    Self.reply(
                        from: people[5].1, to: me, subject: "Re: hello", inReplyTo: ids["Remy"], id: "r-\(run)@x",
                        body: "I'm not the right person for this. Please contact my colleague Zoe Quinn (zoe.quinn@\(run).example), she runs operations."
                    ),
                ]
                for reply in replies { try MailTestServer.deliver(reply) }
                let synced = try await Self.json(workspace, "mail", "sync") as? [String: Any]
                #expect(synced?["received"] as? Int == 6, "\(String(describing: synced))")
                let queue = try await Self.json(workspace, "replies", "list", "--pending") as? [[String: Any]] ?? []
                var classes: [String: String] = [:]
                for item in queue { if let prospect = item["prospect"] as? String, let name = item["class"] as? String { classes[prospect] = name } }
                let prospectIDs = try await Self.query(workspace, "SELECT id || '=' || json_extract(record, '$.first_name') FROM sales_prospects")
                var byName: [String: String] = [:]
                for line in prospectIDs.split(separator: "\n") {
                    let parts = line.split(separator: "=")
                    if parts.count == 2 { byName[String(parts[1])] = String(parts[0]) }
                }
                #expect(classes[byName["Ivy"] ?? ""] == "interested")
                #expect(classes[byName["Nora"] ?? ""] == "not_interested")
                #expect(classes[byName["Otto"] ?? ""] == "ooo")
                #expect(classes[byName["Bea"] ?? ""] == "bounce")
                #expect(classes[byName["Cid"] ?? ""] == "complaint")
                #expect(classes[byName["Remy"] ?? ""] == "referral")
                let suppressed = try await Self.json(workspace, "mail", "suppressions") as? [[String: Any]] ?? []
                let reasons = Dictionary(suppressed.compactMap { item in (item["address"] as? String).map { ($0, item["reason"] as? String ?? "") } }) { a, _ in a }
                #expect(reasons[people[1].1] == "unsubscribe" && reasons[people[3].1] == "bounce" && reasons[people[4].1] == "complaint", "\(reasons)")
                #expect(reasons.count == 3)
                // The prospects: nobody promoted; what holds mail back is done.
                func field(_ name: String, _ path: String) async throws -> String {
                    try await Self.query(workspace, "SELECT json_extract(record, '$.\(path)') FROM sales_prospects WHERE id = '\(byName[name] ?? "")'")
                }
                #expect(try await field("Ivy", "state") == "unengaged", "no promotion without the operator")
                #expect(try await field("Ivy", "replied_at") != "", "a reply stops the sequence")
                #expect(try await field("Nora", "state") == "do_not_contact")
                let pausedUntil = try await field("Otto", "paused_until"), ottoReplied = try await field("Otto", "replied_at")
                #expect(pausedUntil != "" && ottoReplied == "", "an out-of-office only pauses")
                #expect(try await field("Bea", "flags").contains("bounced"))
                let brief = try await CLI.run(workspace.args("brief"), environment: Self.environment)
                let day = String(ISO8601DateFormatter().string(from: Date()).prefix(10))
                let briefText = workspace.read("reports/brief/\(day).md") ?? ""
                #expect(brief.status == 0 && briefText.contains("## Replies") && briefText.contains("Interested: ") && briefText.contains(people[0].1), "\(briefText)")
                let show = try await CLI.run(workspace.args("prospects", "show", byName["Ivy"] ?? ""), environment: Self.environment)
                #expect(show.stdout.contains("mail (oldest first):") && show.stdout.contains("could we set up a call"), "\(show)")
                // Read again: nothing new; nothing sent to the suppressed, the replied or the do-not-contact.
                let again = try await Self.json(workspace, "mail", "sync") as? [String: Any]
                #expect(again?["received"] as? Int == 0)
                let resend = try await CLI.run(workspace.args("jobs", "run", "mail-send"), environment: Self.environment, timeout: 90)
                #expect(resend.status == 0, "\(resend)")
                for (_, address) in people { #expect(try MailTestServer.outsideMessages(for: address).count == 1, "\(address) got one mail") }
                // The operator decides: the referral's colleague becomes a prospect.
                let referral = queue.first { ($0["class"] as? String) == "referral" }?["id"] as? String ?? ""
                let promoted = try await CLI.run(workspace.args("replies", "review", referral, "--promote"), environment: Self.environment)
                #expect(promoted.status == 0 && promoted.stdout.contains("zoe.quinn@\(run).example"), "\(promoted)")
                #expect(try await field("Remy", "state") == "engaged")
                let twice = try await CLI.run(workspace.args("replies", "review", referral, "--dismiss"), environment: Self.environment)
                #expect(twice.status == 1 && twice.stderr.contains("reviewed already"), "\(twice)")
                try await SQLiteTool.expectIntegrity(workspace.storePath)
            }
        }
    }

    @Test("SIGKILL after the server took the mail and before its answer: the next run finds it in Sent, and it is never sent twice")
    func killedMidSend() async throws {
        let servers = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox {
            try await withWorkspace { workspace in
                let run = UUID().uuidString.prefix(8).lowercased()
                let address = "slow@\(run).example"
                try await Self.workspace(workspace, people: [("Sam", address)], servers: servers)
                try MailTestServer.setFaults(#"[{"recipient": "\#(address)", "delay_after_data": 20}]"#, named: "killed-\(run)")
                defer { try? FileManager.default.removeItem(atPath: "\(servers.directory)/smtp-faults.d/killed-\(run).json") }
                let sender = try BackgroundCLI(workspace.args("mail", "send"), in: workspace, environment: Self.environment)
                try await waitUntil("the server has the mail", timeout: 60) { ((try? MailTestServer.outsideMessages(for: address).count) ?? 0) == 1 }
                sender.kill()
                #expect(sender.killedBySignal, "\(sender.ending)")
                #expect(try await Self.query(workspace, "SELECT state FROM sales_outbox") == "sending", "recorded before a byte left")
                try FileManager.default.removeItem(atPath: "\(servers.directory)/smtp-faults.d/killed-\(run).json")
                let again = try await CLI.run(workspace.args("mail", "send"), environment: Self.environment, timeout: 90)
                #expect(again.status == 0, "\(again)")
                #expect(again.stdout.contains("found in the Sent folder"), "\(again)")
                #expect(try await Self.query(workspace, "SELECT state FROM sales_outbox") == "sent")
                #expect(try MailTestServer.outsideMessages(for: address).count == 1, "sent once")
                try await SQLiteTool.expectIntegrity(workspace.storePath)
            }
        }
    }

    @Test("the IMAP server cut in the middle of a fetch: the next sync goes on where the first stopped, nothing lost or kept twice; a changed UIDVALIDITY reads again and keeps nothing twice")
    func cutMidFetch() async throws {
        let servers = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox(exclusive: true) {
            try MailTestServer.clearMailbox()
            try await withWorkspace { workspace in
                let run = UUID().uuidString.prefix(8).lowercased()
                let address = "chatty@\(run).example"
                try await Self.workspace(workspace, people: [("Kim", address)], servers: servers)
                // Enough that the fetch lasts seconds: the restart (itself most of a second) lands inside it.
                let count = 4000
                for index in 0..<count {
                    try MailTestServer.deliver(Self.reply(
                        from: address, to: servers.address, subject: "note \(index)", inReplyTo: nil, id: "m\(index)-\(run)@x",
                        body: "A question about item \(index): what does it cost?"
                    ))
                }
                let sync = try BackgroundCLI(workspace.args("mail", "sync", "--json"), in: workspace, environment: Self.environment)
                try await waitUntil("the sync has kept some", timeout: 60, poll: 0.02) {
                    (Int((try? await Self.query(workspace, "SELECT COUNT(*) FROM sales_mail WHERE direction = 'received'")) ?? "") ?? 0) >= 20
                }
                try MailTestServer.restartIMAP()
                _ = try await sync.wait(timeout: 90)
                let first = Int(try await Self.query(workspace, "SELECT COUNT(*) FROM sales_mail WHERE direction = 'received'")) ?? -1
                let second = try await Self.json(workspace, "mail", "sync") as? [String: Any]
                #expect(try await Self.query(workspace, "SELECT COUNT(*) FROM sales_mail WHERE direction = 'received'") == "\(count)")
                #expect(try await Self.query(workspace, "SELECT COUNT(DISTINCT message_id) FROM sales_mail WHERE direction = 'received'") == "\(count)")
                #expect(first > 0 && first < count && sync.exitStatus == 1, "the cut came in the middle of the fetch (\(first) of \(count) kept): \(sync.ending)")
                let inboxAfterCut = (second?["folders"] as? [[String: Any]])?.first { ($0["folder"] as? String) == "INBOX" }
                #expect(inboxAfterCut?["fetched"] as? Int == count - first, "the second sync read only what the first did not: \(String(describing: second))")
                // UIDVALIDITY changed (as after a server rebuilt its index): the folder is read again, nothing kept twice.
                _ = try await Self.query(workspace, "UPDATE sales_cursors SET value = '1:99999' WHERE name = 'mail:work:INBOX'")
                let resync = try await Self.json(workspace, "mail", "sync") as? [String: Any]
                let inbox = (resync?["folders"] as? [[String: Any]])?.first { ($0["folder"] as? String) == "INBOX" }
                #expect(inbox?["resynced"] as? Bool == true && inbox?["known"] as? Int == count && inbox?["stored"] as? Int == 0, "\(String(describing: inbox))")
                // A backfill reads the day's mail again, keeps nothing twice, and leaves the watermark.
                let mark = try await Self.query(workspace, "SELECT value FROM sales_cursors WHERE name = 'mail:work:INBOX'")
                let backfill = try await Self.json(workspace, "mail", "sync", "--since", "1d") as? [String: Any]
                let again = (backfill?["folders"] as? [[String: Any]])?.first { ($0["folder"] as? String) == "INBOX" }
                #expect(again?["known"] as? Int == count && again?["stored"] as? Int == 0, "\(String(describing: again))")
                #expect(try await Self.query(workspace, "SELECT value FROM sales_cursors WHERE name = 'mail:work:INBOX'") == mark)
                try await SQLiteTool.expectIntegrity(workspace.storePath)
            }
        }
    }

    @Test("with the daemon up, a reply pushed by IDLE is read at once, not at the next half hour")
    func idlePush() async throws {
        let servers = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox(exclusive: true) {
            try MailTestServer.clearMailbox()
            try await withWorkspace { workspace in
                let run = UUID().uuidString.prefix(8).lowercased()
                let address = "pat@pat-\(run).example"
                // The schedule is once a day at 03:00: only IDLE can bring the reply in within the test.
                try await Self.workspace(workspace, people: [("Pat", address)], servers: servers, extra: #"monitor_schedule = "0 3 * * *""#)
                let serve = try await ServeProcess.start(workspace, environment: Self.environment)
                defer { serve.kill() }
                try await Task.sleep(for: .seconds(2))
                try MailTestServer.deliver(Self.reply(from: address, to: servers.address, subject: "Hello", inReplyTo: nil, id: "p-\(run)@x", body: "Sounds interesting, let's talk."))
                try await waitUntil("the reply is in the review queue", timeout: 45, poll: 0.5) {
                    (try? await Self.query(workspace, "SELECT COUNT(*) FROM sales_mail WHERE direction = 'received'")) == "1"
                }
                try await waitUntil("the monitor's run finished", timeout: 30, poll: 0.5) {
                    (try? await Self.query(workspace, "SELECT COUNT(*) FROM runs WHERE job = 'mail-monitor' AND state = 'succeeded'")) == "1"
                }
                _ = try await serve.stop(SIGTERM)
            }
        }
    }

    @Test("the server's 4xx defers a send (draft again, with a retry time) and it goes later; a 5xx fails it with the server's text")
    func deferredAndRefused() async throws {
        let servers = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox {
            try await withWorkspace { workspace in
                let run = UUID().uuidString.prefix(8).lowercased()
                let later = "later@later-\(run).example", never = "never@never-\(run).example"
                try await Self.workspace(workspace, people: [("Lee", later), ("Max", never)], servers: servers)
                try MailTestServer.setFaults(
                    #"[{"recipient": "\#(later)", "stage": "rcpt", "code": 451, "text": "4.7.1 try again later", "times": 1}, {"recipient": "\#(never)", "stage": "rcpt", "code": 550, "text": "5.1.1 no such user"}]"#,
                    named: "deferred-\(run)")
                defer { try? FileManager.default.removeItem(atPath: "\(servers.directory)/smtp-faults.d/deferred-\(run).json") }
                let first = try await CLI.run(workspace.args("mail", "send"), environment: Self.environment, timeout: 90)
                #expect(first.stdout.contains("deferred") && first.stdout.contains("failed"), "\(first)")
                func state(_ address: String) async throws -> String {
                    try await Self.query(workspace, "SELECT state || ' ' || COALESCE(json_extract(record, '$.last_error'), '') FROM sales_outbox WHERE json_extract(record, '$.to') = '\(address)'")
                }
                let deferred = try await state(later), refused = try await state(never)
                #expect(deferred.hasPrefix("draft ") && deferred.contains("try again later"), "\(deferred)")
                #expect(refused.hasPrefix("failed ") && refused.contains("no such user"), "\(refused)")
                #expect(try await Self.query(workspace, "SELECT json_extract(record, '$.retry_at') IS NOT NULL FROM sales_outbox WHERE json_extract(record, '$.to') = '\(later)'") == "1")
                let held = try await CLI.run(workspace.args("mail", "send"), environment: Self.environment, timeout: 90)
                #expect(held.stdout.contains("held: deferred until"), "\(held)")
                // The retry time come: it goes.
                _ = try await Self.query(workspace, "UPDATE sales_outbox SET record = json_remove(record, '$.retry_at')")
                let second = try await CLI.run(workspace.args("mail", "send"), environment: Self.environment, timeout: 90)
                #expect(second.status == 0, "\(second)")
                #expect(try await state(later).hasPrefix("sent"))
                let gone = try MailTestServer.outsideMessages(for: later).count, none = try MailTestServer.outsideMessages(for: never).count
                #expect(gone == 1 && none == 0)
            }
        }
    }

    @Test("mail parse and mail classify read message files as the monitor does and change nothing")
    func parseAndClassifyFiles() async throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "NightshiftMailTests/Resources/replies").path
        let parsed = try await CLI.run(["mail", "parse", "\(corpus)/interested/07-de-mehr-erfahren-latin1-qp.eml", "--json"])
        #expect(parsed.status == 0, "\(parsed)")
        let json = try JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8)) as? [String: Any]
        #expect((json?["subject"] as? String)?.hasPrefix("Re: ") == true && (json?["parts"] as? [Any])?.isEmpty == false)
        let classified = try await CLI.run(["mail", "classify", "\(corpus)/bounce/01-en-postfix-user-unknown.eml", "\(corpus)/ooo/05-en-annual-leave-iso-date.eml"])
        #expect(classified.status == 0 && classified.stdout.contains(": bounce") && classified.stdout.contains("status 5.1.1 (hard)"), "\(classified)")
        #expect(classified.stdout.contains(": ooo") && classified.stdout.contains("back on "), "\(classified)")
        let missing = try await CLI.run(["mail", "parse", "/nonexistent/x.eml"])
        #expect(missing.status == 2 && missing.stderr.contains("/nonexistent/x.eml: cannot be read"), "\(missing)")
    }

    @Test("mail check logs in and reports, changing nothing; a wrong password is a failure that never shows the password")
    func check() async throws {
        let servers = try MailTestServer.endpoints()
        try await withWorkspace { workspace in
            let run = UUID().uuidString.prefix(8).lowercased()
            try await Self.workspace(workspace, people: [("Vic", "vic@vic-\(run).example")], servers: servers)
            let good = try await CLI.run(workspace.args("mail", "check"), environment: Self.environment)
            #expect(good.status == 0 && good.stdout.contains("logged in") && good.stdout.contains("inbox INBOX:") && good.stdout.contains("UIDVALIDITY"), "\(good)")
            let wrong = "not-the-password-\(run)"
            let bad = try await CLI.run(workspace.args("mail", "check", "--json"), environment: ["NS_MAIL_PASSWORD": wrong, "NS_UNSUB": "x"])
            #expect(bad.status == 1, "\(bad)")
            #expect(!(bad.stdout + bad.stderr).contains(wrong), "the password never shows: \(bad)")
            let unset = try await CLI.run(workspace.args("mail", "check"), environment: [:])
            #expect(unset.status == 1 && unset.stdout.contains("NS_MAIL_PASSWORD is not set"), "\(unset)")
        }
    }

    @Test("a draft waiting when its prospect replies is never sent: the reply stops the sequence")
    func replyStopsWaitingDraft() async throws {
        let servers = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox(exclusive: true) {
            try MailTestServer.clearMailbox()
            try await withWorkspace { workspace in
                let run = UUID().uuidString.prefix(8).lowercased()
                let address = "ray@ray-\(run).example"
                try await Self.workspace(workspace, people: [("Ray", address)], servers: servers)
                try MailTestServer.deliver(Self.reply(from: address, to: servers.address, subject: "Hello", inReplyTo: nil, id: "ray-\(run)@x", body: "We met last week: can we talk on Monday?"))
                let synced = try await Self.json(workspace, "mail", "sync") as? [String: Any]
                #expect(synced?["received"] as? Int == 1, "\(String(describing: synced))")
                let send = try await CLI.run(workspace.args("mail", "send"), environment: Self.environment, timeout: 90)
                #expect(send.status == 0 && send.stdout.contains("replied"), "\(send)")
                #expect(try await Self.query(workspace, "SELECT state FROM sales_outbox") == "discarded")
                #expect(try MailTestServer.outsideMessages(for: address).isEmpty, "nothing sent")
            }
        }
    }

    @Test("an account on a Maildir another program delivers into: replies read from new/ and cur/, once, by key")
    func maildirAccount() async throws {
        try await withWorkspace { workspace in
            let created = try await CLI.run(["init", "--example", "sales", "-w", workspace.root])
            #expect(created.status == 0, "\(created)")
            let maildir = "\(workspace.base)/Maildir"
            for folder in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
                try FileManager.default.createDirectory(atPath: "\(maildir)/\(folder)", withIntermediateDirectories: true)
            }
            let config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            try (config + "\n[mail.accounts.local]\naddress = \"me@example.org\"\nmaildir = \"\(maildir)\"\n").write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
            try "first_name,last_name,email,company\nUli,Tester,uli@uli.example,Uli Co\n".write(toFile: "\(workspace.root)/p.csv", atomically: true, encoding: .utf8)
            #expect(try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/p.csv")).status == 0)
            let reply = Self.reply(from: "uli@uli.example", to: "me@example.org", subject: "Re: hi", inReplyTo: nil, id: "uli-1@x", body: "Not interested, thanks.")
            try Data(reply).write(to: URL(fileURLWithPath: "\(maildir)/new/1700000000.M1P1.host"))
            let first = try await Self.json(workspace, "mail", "sync") as? [String: Any]
            #expect(first?["received"] as? Int == 1 && (first?["classes"] as? [String: Int])?["not_interested"] == 1, "\(String(describing: first))")
            // A mail program moves it to cur/ with a flag: the same key, not read again.
            try FileManager.default.moveItem(atPath: "\(maildir)/new/1700000000.M1P1.host", toPath: "\(maildir)/cur/1700000000.M1P1.host:2,S")
            let second = try await Self.json(workspace, "mail", "sync") as? [String: Any]
            #expect(second?["received"] as? Int == 0, "\(String(describing: second))")
            let check = try await CLI.run(workspace.args("mail", "check"))
            #expect(check.status == 0 && check.stdout.contains("reads the Maildir") && check.stdout.contains("inbox INBOX: 1 messages"), "\(check)")
        }
    }

    @Test("SIGKILL of the daemon while its mail-send job waits for the server's answer: after restart the mail is found in Sent and never sent again")
    func daemonKilledMidSend() async throws {
        let servers = try MailTestServer.endpoints()
        try await MailTestServer.withMailbox {
            try await withWorkspace { workspace in
                let run = UUID().uuidString.prefix(8).lowercased()
                let address = "dee@dee-\(run).example"
                // The send job every minute, so that the restarted daemon runs it again soon.
                try await Self.workspace(workspace, people: [("Dee", address)], servers: servers, extra: #"send_schedule = "* * * * *""#)
                let faults = "\(servers.directory)/smtp-faults.d/daemon-\(run).json"
                try MailTestServer.setFaults(#"[{"recipient": "\#(address)", "delay_after_data": 30}]"#, named: "daemon-\(run)")
                defer { try? FileManager.default.removeItem(atPath: faults) }
                let first = try await ServeProcess.start(workspace, environment: Self.environment)
                try await waitUntil("the server has the mail", timeout: 90) { ((try? MailTestServer.outsideMessages(for: address).count) ?? 0) == 1 }
                first.kill()
                #expect(try await Self.query(workspace, "SELECT state FROM sales_outbox") == "sending", "recorded before a byte left")
                try FileManager.default.removeItem(atPath: faults)
                let second = try await ServeProcess.start(workspace, environment: Self.environment)
                defer { second.kill() }
                try await waitUntil("the send is resolved", timeout: 100, poll: 0.5) {
                    (try? await Self.query(workspace, "SELECT state FROM sales_outbox")) == "sent"
                }
                #expect(try MailTestServer.outsideMessages(for: address).count == 1, "sent once")
                _ = try await second.stop(SIGTERM)
                try await SQLiteTool.expectIntegrity(workspace.storePath)
            }
        }
    }

    @Test("a model command behind the classifier's interface: each reply a classify_reply action through the gate, its answer the class; a command that fails leaves the rules' class")
    func modelClassifier() async throws {
        try await withWorkspace { workspace in
            let created = try await CLI.run(["init", "--example", "sales", "-w", workspace.root])
            #expect(created.status == 0, "\(created)")
            let maildir = "\(workspace.base)/Maildir"
            for folder in ["cur", "new", "tmp", ".Sent/cur", ".Sent/new", ".Sent/tmp"] {
                try FileManager.default.createDirectory(atPath: "\(maildir)/\(folder)", withIntermediateDirectories: true)
            }
            // The "model": reads the reply from {file} and answers interested, unless the reply says "fail".
            let script = "\(workspace.root)/bin/classify"
            try FileManager.default.createDirectory(atPath: "\(workspace.root)/bin", withIntermediateDirectories: true)
            try """
                #!/bin/sh
                if grep -q fail "$1"; then exit 3; fi
                echo 'NIGHTSHIFT_OUTPUT {"class": "interested", "reason": "the model read a yes between the lines"}'
                """.write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            let config = try String(contentsOfFile: workspace.configPath, encoding: .utf8)
            try (config + "\n[mail]\nclassifier = [\"\(script)\", \"{file}\"]\n\n[mail.accounts.local]\naddress = \"me@example.org\"\nmaildir = \"\(maildir)\"\n")
                .write(toFile: workspace.configPath, atomically: true, encoding: .utf8)
            try "first_name,last_name,email,company\nUma,Tester,uma@uma.example,Uma Co\nVal,Tester,val@val.example,Val Co\n"
                .write(toFile: "\(workspace.root)/p.csv", atomically: true, encoding: .utf8)
            #expect(try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/p.csv")).status == 0)
            try Data(Self.reply(from: "uma@uma.example", to: "me@example.org", subject: "Re: hi", inReplyTo: nil, id: "uma-1@x", body: "Not now, thanks."))
                .write(to: URL(fileURLWithPath: "\(maildir)/new/1700000001.M1P1.host"))
            try Data(Self.reply(from: "val@val.example", to: "me@example.org", subject: "Re: hi", inReplyTo: nil, id: "val-1@x", body: "We are not interested. fail"))
                .write(to: URL(fileURLWithPath: "\(maildir)/new/1700000002.M1P1.host"))
            let synced = try await Self.json(workspace, "mail", "sync") as? [String: Any]
            #expect(synced?["received"] as? Int == 2, "\(String(describing: synced))")
            let queue = try await Self.json(workspace, "replies", "list") as? [[String: Any]] ?? []
            let uma = queue.first { ($0["from"] as? String) == "uma@uma.example" }
            let val = queue.first { ($0["from"] as? String) == "val@val.example" }
            #expect(uma?["class"] as? String == "interested", "\(String(describing: uma))")
            #expect((uma?["signals"] as? [String])?.first?.contains("model: the model read a yes") == true, "\(String(describing: uma))")
            #expect(val?["class"] as? String == "not_interested", "\(String(describing: val))")
            #expect((val?["signals"] as? [String])?.contains { $0.contains("the rules decided") } == true, "\(String(describing: val))")
            let actions = try await Self.query(workspace, "SELECT COUNT(*) FROM actions WHERE type = 'classify_reply'")
            #expect(actions == "2", "each reply went through the gate")
        }
    }
}

