import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore
import NightshiftSales

/// `nightshift replies …`: the review queue of classified replies. Nothing is promoted without
/// the operator.
struct RepliesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replies",
        abstract: "The review queue: replies from prospects, classified, waiting for the operator.",
        discussion: """
            The reply monitor classifies each reply (bounce, complaint, ooo, referral, not_interested, interested, unknown) \
            and only holds mail back on its own: a reply stops the prospect's sequence, an out-of-office pauses it, bounces \
            and complaints suppress the address, "remove me" makes the prospect do-not-contact. Moving a prospect on is yours.

              nightshift replies list --pending
              nightshift replies show m_…
              nightshift replies review m_… --promote        # engaged; referrals become prospects
              nightshift replies review m_… --reclassify ooo
            """,
        subcommands: [List.self, Show.self, Review.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List replies, newest first.")
        @OptionGroup var workspace: WorkspaceOptions
        @Flag(help: "Only those waiting for review.") var pending = false
        @Option(parsing: .unconditional, help: ArgumentHelp("At most this many (default 100).", valueName: "N"), transform: NumberArgument.integer())
        var limit = 100
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard (1...100_000).contains(limit) else { throw AppError.usage("--limit must be between 1 and 100000, found \(limit)") }
            let app = try await workspace.load()
            let items = try await app.replies(pending: pending, limit: limit)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(items.map { $0.json(zone: zone) })) }
            if items.isEmpty { return print(pending ? "No reply waits for review." : "No reply yet.") }
            Output.table(["ID", "REVIEW", "CLASS", "PROSPECT", "FROM", "SUBJECT"], items.map {
                [$0.id, $0.review.rawValue, $0.effectiveClass ?? "-", $0.prospectID ?? "-", $0.from, Output.oneLine($0.subject, max: 60)]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one reply in full: its class and why, and its text.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The reply's id (m_…).") var id: String
        @Flag(help: "Print the raw message as it was read.") var raw = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let (item, bytes) = try await app.reply(id)
            let zone = app.configuration.settings.timeZone
            if raw { return print(String(decoding: bytes, as: UTF8.self)) }
            if output.json { return Output.printJSON(item.json(zone: zone)) }
            var lines = [
                "\(item.id) (\(item.review.rawValue)) — \(item.effectiveClass ?? "unclassified")" + (item.reclassifiedAs != nil ? " (read as \(item.replyClass ?? "?"))" : ""),
                "From: \(item.fromName.map { "\($0) " } ?? "")<\(item.from)>", "Subject: \(item.subject)",
                "Date: \(Output.time(item.date, zone))", "Prospect: \(item.prospectID.map { "\($0) (by \(item.matchedBy ?? "?"))" } ?? "none matched")",
            ]
            lines += item.signals.map { "signal: \($0)" }
            if case .object(let details) = item.details {
                if case .array(let bounces)? = details["bounces"] {
                    for case .object(let b) in bounces {
                        lines.append("recipient \(b["address"]?.stringValue ?? ""): \(b["action"]?.stringValue ?? "") \(b["status"]?.stringValue ?? "")")
                    }
                }
                if let day = details["return_date"]?.stringValue { lines.append("back on \(day)") }
                if case .array(let referrals)? = details["referrals"] {
                    for case .object(let r) in referrals { lines.append("refers to \(r["name"]?.stringValue ?? "") <\(r["address"]?.stringValue ?? "")>") }
                }
            }
            lines += item.attachments.map { "attachment: \($0.name ?? "(unnamed)")  \($0.type)  \($0.size) bytes" }
            lines += item.problems.map { "problem: \($0)" }
            lines += ["", item.text]
            print(lines.joined(separator: "\n"))
        }
    }

    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide about a reply: promote, dismiss, mark do-not-contact, or reclassify.",
            discussion: """
                --promote      the prospect becomes engaged; people the reply referred to become prospects; its signature fills empty fields
                --dismiss      leave it
                --dnc          the prospect becomes do-not-contact and its address is suppressed
                --reclassify   another class (bounce, complaint, ooo, referral, not_interested, interested, unknown); it stays in the queue
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The reply's id (m_…).") var id: String
        @Flag(help: "Move the prospect on (engaged).") var promote = false
        @Flag(help: "Leave it.") var dismiss = false
        @Flag(help: "Never contact the prospect again.") var dnc = false
        @Option(help: ArgumentHelp("Another class.", valueName: "CLASS")) var reclassify: String?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            let chosen = [promote, dismiss, dnc, reclassify != nil].filter { $0 }.count
            guard chosen == 1 else { throw ValidationError("give exactly one of --promote, --dismiss, --dnc, --reclassify CLASS") }
            if let name = reclassify, !MailItem.classes.contains(name) {
                throw ValidationError("\"\(name)\" is not a class; the classes are \(MailItem.classes.joined(separator: ", "))")
            }
        }

        func run() async throws {
            let decision: MailWork.ReviewDecision = promote ? .promote : dismiss ? .dismiss : dnc ? .doNotContact : .reclassify(reclassify ?? "")
            let app = try await workspace.load()
            let (item, created) = try await app.reviewReply(id, decision: decision)
            let zone = app.configuration.settings.timeZone
            if output.json {
                guard case .object(var members) = item.json(zone: zone) else { return }
                members["created_prospects"] = .array(created.map { .string($0.id) })
                return Output.printJSON(.object(members))
            }
            print("\(item.id): \(item.review.rawValue)" + (item.reclassifiedAs.map { ", class \($0)" } ?? "")
                + (created.isEmpty ? "" : "; new prospects: " + created.map { "\($0.id) <\($0.emails.first ?? "")>" }.joined(separator: ", ")))
        }
    }
}
