import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore
import NightshiftMail
import NightshiftSales

/// `nightshift mail …`: the mail accounts, and reading messages as the reply monitor reads them
/// (docs/SALES.md, "Mail").
struct MailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Mail accounts, and messages read as the reply monitor reads them.",
        discussion: """
            Accounts are [mail.accounts.NAME] in nightshift.toml (IMAP and SMTP, or a Maildir). The mail-monitor job reads \
            new replies every 30 minutes and the mail-send job sends due drafts; these commands look and sync by hand.

              nightshift mail check                    # log in to every account, report what is there, change nothing
              nightshift mail parse reply.eml --json   # headers, decoded subject, parts, attachments, problems
              nightshift mail classify reply.eml       # its class and the signals that decided it
              nightshift mail classify --maildir ~/Maildir/cur --counts
              nightshift mail sync [--since 7d]        # read new replies and sent mail now (or again since T)
              nightshift mail send                     # send the due drafts now (the mail-send job's step)
              nightshift mail suppressions             # addresses never sent to
            """,
        subcommands: [Check.self, Parse.self, Classify.self, Sync.self, Send.self, Suppressions.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in to the accounts and report what they hold, changing nothing.",
            discussion: "IMAP: login, capabilities, folders, the inbox and Sent folder's counts and UIDVALIDITY (read-only EXAMINE). SMTP: login. Exit 1 when an account fails."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "One account's name (default: all).") var account: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let (reports, failed) = try await app.checkMail(account: account)
            if output.json {
                Output.printJSON(.array(reports))
            } else {
                for case .object(let report) in reports { print(Self.text(report)) }
            }
            if failed { throw AppError.failure("an account could not be used (see above)") }
        }

        static func text(_ report: [String: JSONValue]) -> String {
            let name = report["account"]?.stringValue ?? "?"
            if let error = report["error"]?.stringValue { return "\(name): FAILED: \(error)" }
            let source = report["maildir"]?.stringValue.map { "reads the Maildir \($0)" } ?? "logged in to \(report["imap"]?.stringValue ?? "")"
            var lines = ["\(name) <\(report["address"]?.stringValue ?? "")>: \(source)"]
            if case .array(let folders)? = report["folders"] { lines.append("  folders: \(folders.compactMap(\.stringValue).joined(separator: ", "))") }
            for key in ["inbox", "sent"] {
                guard case .object(let folder)? = report[key] else { continue }
                if let error = folder["error"]?.stringValue {
                    lines.append("  \(key) \(folder["name"]?.stringValue ?? ""): \(error)")
                } else {
                    lines.append("  \(key) \(folder["name"]?.stringValue ?? ""): \(folder["messages"].map(\.text) ?? "?") messages, UIDVALIDITY \(folder["uid_validity"].map(\.text) ?? "?")")
                }
            }
            if case .object(let smtp)? = report["smtp"] {
                lines.append("  smtp \(smtp["server"]?.stringValue ?? ""): " + (smtp["error"]?.stringValue.map { "FAILED: \($0)" } ?? "logged in"))
            }
            return lines.joined(separator: "\n")
        }
    }

    struct Parse: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a message file's headers, decoded subject, parts and attachments.",
            discussion: "Reads the file as the monitor does; never fails on a malformed message: what could not be read is listed under problems."
        )
        @Argument(help: "An .eml file (RFC 5322).") var file: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw AppError.usage("\(file): cannot be read (no such file, or not readable)") }
            let message = MailMessage(data: data)
            let report = MailFileReport.parsed(message, file: file)
            if output.json { return Output.printJSON(report) }
            guard case .object(let members) = report else { return }
            var lines = ["\(file)", "subject: \(message.subject ?? "(none)")"]
            for key in ["from", "to", "cc"] {
                if case .array(let list)? = members[key], !list.isEmpty {
                    lines.append("\(key): " + list.compactMap { item -> String? in
                        guard case .object(let address) = item else { return nil }
                        return (address["name"]?.stringValue.map { "\($0) " } ?? "") + "<\(address["address"]?.stringValue ?? "")>"
                    }.joined(separator: ", "))
                }
            }
            if let id = message.messageID { lines.append("message-id: <\(id)>") }
            if let date = message.date { lines.append("date: \(ISO8601.format(date, in: .gmt))") }
            lines.append("parts:")
            for part in message.root.allParts {
                lines.append("  \(part.path.isEmpty ? "(root)" : part.path)  \(part.contentType.mimeType)  \(part.body.count) bytes" + (part.filename.map { "  \($0)" } ?? ""))
            }
            for attachment in message.attachments { lines.append("attachment: \(attachment.filename ?? "(unnamed)")  \(attachment.mimeType)  \(attachment.size) bytes") }
            for problem in message.problems { lines.append("problem: \(problem)") }
            lines.append("")
            lines.append(message.text)
            print(lines.joined(separator: "\n"))
        }
    }

    struct Classify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Classify message files as the reply monitor would, and say why.",
            discussion: """
                Classes, in the order tried: bounce, complaint, ooo, referral, not_interested, interested, unknown. Prints the \
                signals that decided (headers, phrases) and, for bounces, each recipient's action and status. Uses the \
                workspace's [mail.phrases] when there is one. Changes nothing.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Message files (.eml).") var files: [String] = []
        @Option(help: ArgumentHelp("Every message of a Maildir folder (its cur/ and new/), or a plain folder of files.", valueName: "DIR")) var maildir: String?
        @Flag(help: "Print only how many messages fell in each class.") var counts = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var paths = files
            if let maildir { paths += try Self.listing(maildir) }
            guard !paths.isEmpty else { throw AppError.usage("give message files, or --maildir DIR") }
            let hasWorkspace = FileManager.default.fileExists(atPath: workspace.resolved.configPath)
            let classifier = hasWorkspace ? try await workspace.load().replyClassifier() : RuleReplyClassifier()
            // The files are read and classified on every core, in chunks, and printed in their order.
            let outcomes = await Self.classify(paths, with: classifier, detail: !counts, json: output.json)
            var tally: [String: Int] = [:]
            var results: [JSONValue] = []
            var unreadable: [String] = []
            for (path, outcome) in zip(paths, outcomes) {
                guard let outcome else {
                    unreadable.append(path)
                    continue
                }
                tally[outcome.replyClass, default: 0] += 1
                if counts { continue }
                if let json = outcome.json { results.append(json) } else { print(outcome.lines.joined(separator: "\n")) }
            }
            if counts {
                let total = tally.values.reduce(0, +)
                if output.json {
                    Output.printJSON(.object(["messages": .integer(Int64(total)), "classes": .object(tally.mapValues { .integer(Int64($0)) }), "unreadable": .integer(Int64(unreadable.count))]))
                } else {
                    print("\(total) messages: " + tally.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
                }
            } else if output.json {
                Output.printJSON(.array(results))
            }
            for path in unreadable { FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8)) }
            if !unreadable.isEmpty { throw AppError.failure("\(unreadable.count) file\(unreadable.count == 1 ? "" : "s") could not be read") }
        }

        struct Outcome: Sendable {
            var replyClass: String
            var lines: [String] = []
            var json: JSONValue?
        }

        /// Each file's outcome (nil: unreadable), in the order of `paths`, worked on by as many
        /// tasks as there are cores.
        static func classify(_ paths: [String], with classifier: RuleReplyClassifier, detail: Bool, json: Bool) async -> [Outcome?] {
            let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
            let chunk = max(1, (paths.count + workers - 1) / workers)
            return await withTaskGroup(of: (Int, [Outcome?]).self) { group in
                for start in stride(from: 0, to: paths.count, by: chunk) {
                    let slice = Array(paths[start..<min(paths.count, start + chunk)])
                    group.addTask {
                        (start, slice.map { path in
                            guard let data = FileManager.default.contents(atPath: path) else { return nil }
                            let message = MailMessage(data: data)
                            let classification = classifier.classification(of: message, reference: message.date ?? Date())
                            var outcome = Outcome(replyClass: classification.replyClass.rawValue)
                            if detail {
                                if json { outcome.json = MailFileReport.classified(classification, file: path) } else {
                                    outcome.lines = MailFileReport.lines(classification, file: path)
                                }
                            }
                            return outcome
                        })
                    }
                }
                var all = [Outcome?](repeating: nil, count: paths.count)
                for await (start, outcomes) in group {
                    for (offset, outcome) in outcomes.enumerated() { all[start + offset] = outcome }
                }
                return all
            }
        }

        /// The files of a Maildir folder (cur/ and new/, as ``Maildir`` lists them), or of a plain folder.
        static func listing(_ folder: String) throws -> [String] {
            let manager = FileManager.default
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw AppError.usage("--maildir \(folder): not a folder")
            }
            if ["cur", "new"].contains(where: { manager.fileExists(atPath: "\(folder)/\($0)") }) {
                do { return try Maildir(path: folder).messages().map(\.path) } catch { throw AppError.usage("--maildir \(error)") }
            }
            return try manager.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted().map { "\(folder)/\($0)" }
        }
    }

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read new replies and sent mail of the accounts now, as the mail-monitor job does.",
            discussion: """
                Each folder is read after its watermark (its UIDVALIDITY and last UID), so nothing is read twice or skipped; \
                a changed UIDVALIDITY reads the folder again and recognises what was taken by Message-ID. Replies from \
                prospects go to the review queue (nightshift replies list); mail to and from prospects becomes activity.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Accounts to read (default: all).") var accounts: [String] = []
        @Option(help: ArgumentHelp(
            "Read again every message that arrived since T (an ISO 8601 instant, or a duration back from now: 7d), whatever the watermarks.",
            discussion: "A backfill: what was taken before is recognised by its Message-ID and not kept twice; the watermarks stay where they are.",
            valueName: "T"
        )) var since: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let from = try since.map { try SinceOption.parse($0) }
            let app = try await workspace.load()
            let report = try await app.syncMail(accounts: accounts, since: from)
            if output.json {
                Output.printJSON(report.json)
            } else {
                for folder in report.folders {
                    print(folder.error.map { "\(folder.account)/\(folder.folder): FAILED: \($0)" }
                        ?? "\(folder.account)/\(folder.folder): \(folder.fetched) read, \(folder.stored) kept, \(folder.known) known, \(folder.ignored) not about prospects"
                            + (folder.resynced ? " (UIDVALIDITY changed: read again)" : ""))
                }
                print("received \(report.received), sent \(report.sent)" + (report.classes.isEmpty ? "" : "; " + report.classes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")))
            }
            if report.failed { throw AppError.failure("a folder could not be read (see above)") }
        }
    }

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the outbox's due drafts now, as the mail-send job does.",
            discussion: """
                Runs the sales.mail-send step as a run of its own: sends interrupted before are first looked up in the \
                account's Sent folder; each due draft is a send_email action through the policy, within send_window and the \
                caps (per account, recipient domain and sequence, a day); suppressed and do-not-contact recipients get nothing.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions

        func run() async throws {
            try await PackStepRun.run("sales.mail-send", in: try await workspace.load())
        }
    }

    struct Suppressions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the addresses no mail is sent to (bounces, complaints, unsubscribes).")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let list = try await app.suppressions()
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(list.map { $0.json(zone: zone) })) }
            if list.isEmpty { return print("No address is suppressed.") }
            Output.table(["ADDRESS", "REASON", "SINCE", "DETAIL"], list.map { [$0.address, $0.reason.rawValue, ISO8601.format($0.at, in: zone), $0.detail] })
        }
    }
}

/// `nightshift unsubscribe TOKEN`: what the List-Unsubscribe link does, by hand.
struct UnsubscribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unsubscribe",
        abstract: "Unsubscribe the prospect an unsubscribe token names.",
        discussion: "The token is the one in a nurture mail's List-Unsubscribe header (u1.…). The prospect becomes do-not-contact and its addresses are suppressed."
    )
    @OptionGroup var workspace: WorkspaceOptions
    @Argument(help: "The token (u1.…).") var token: String
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let app = try await workspace.load()
        let prospect = try await app.unsubscribe(token: token)
        if output.json { return Output.printJSON(prospect.json(zone: app.configuration.settings.timeZone)) }
        print("\(prospect.id) (\(prospect.name ?? prospect.emails.first ?? "")) is unsubscribed: do_not_contact, \(prospect.emails.joined(separator: ", ")) suppressed")
    }
}
