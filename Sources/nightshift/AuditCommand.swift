import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The tamper-evident audit trail: every decision, execution, approval, rejection, expiry and config change.",
        discussion: """
            Each record holds the SHA-256 of the previous record's hash and its own canonical content, and \
            the newest record is also kept apart: editing, removing or reordering records breaks the chain, \
            and audit verify names the first record where it breaks.

            Examples:
              nightshift audit list --since 24h
              nightshift audit list --type decision --type approval --json
              nightshift audit verify
              nightshift audit anchor

            The daemon also writes the newest record's seq and hash every minute (when it moved) and at \
            every brief to an anchor log outside the store ([audit] anchor_file, default audit-anchors.log), \
            signed when [audit] anchor_key is set; audit verify holds the chain against every anchor, so \
            records cut from the end, or a chain rewritten with new hashes, are found.
            """,
        subcommands: [List.self, Verify.self, Anchor.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit records, newest first.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Option(help: ArgumentHelp("Only records from this instant (ISO 8601) or this long ago (24h, 7d).", valueName: "TIME"))
        var since: String?
        @Option(name: .customLong("type"), help: ArgumentHelp(
            "Only records of this kind: \(AuditKind.allCases.map(\.rawValue).joined(separator: ", ")). Repeatable.", valueName: "KIND"
        ))
        var kinds: [String] = []
        @Option(parsing: .unconditional, help: "At most this many.", transform: NumberArgument.integer())
        var limit = 100

        func run() async throws {
            var query = AuditQuery(limit: limit)
            guard limit > 0 else { throw AppError.usage("--limit must be at least 1") }
            if let since { query.since = try SinceOption.parse(since) }
            for kind in kinds {
                guard let parsed = AuditKind(rawValue: kind) else {
                    throw AppError.usage("--type \"\(kind)\" is not one of \(AuditKind.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                query.kinds.insert(parsed)
            }
            let app = try await workspace.load()
            let records = try await AuditReview(app).records(query)
            let zone = app.configuration.settings.timeZone
            if output.json {
                return Output.printJSON(.array(records.map { $0.json(zone: zone) }))
            }
            if records.isEmpty { return print("no audit records\(since == nil && kinds.isEmpty ? "" : " match")") }
            Output.table(
                ["SEQ", "AT", "KIND", "ACTOR", "SUBJECT", "DETAIL"],
                records.map { [String($0.seq), ISO8601.format($0.at, in: zone), $0.kind.rawValue, $0.actor, $0.subject, Output.oneLine(Self.detail($0), max: 70)] }
            )
        }

        static func detail(_ record: AuditRecord) -> String {
            let data = record.data
            switch record.kind {
            case .decision: return "\(data["type"]?.text ?? "") → \(data["verdict"]?.text ?? ""): \(data["reason"]?.text ?? "")"
            case .execution: return "\(data["outcome"]?.text ?? "")\(data["run_id"].map { " (run \($0.text))" } ?? "")"
            case .configChange, .policyChange: return "sha256 \(data["sha256"]?.text.prefix(16) ?? "")…"
            default: return data["note"]?.text ?? data["reason"]?.text ?? data.canonical
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the whole chain; name the first broken record (exit 1 if any)."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let verification = try await AuditReview(app).verify()
            let (trail, broken, anchors, mismatches, ok) = (
                verification.trail, verification.broken, verification.anchors, verification.mismatches, verification.ok
            )
            let head = trail.head
            if output.json {
                Output.printJSON(verification.json)
            } else {
                if let broken {
                    print("audit trail broken at record \(broken.seq): \(broken.problem)")
                }
                for mismatch in mismatches {
                    print("action \(mismatch.actionID) does not match the audit trail: \(mismatch.problem)")
                }
                for problem in anchors.problems { print("audit trail does not match its anchors: \(problem)") }
                if ok {
                    let anchored = anchors.newest.map { "; \(anchors.checked) anchors agree, the newest of \($0.at) at seq \($0.seq)" } ?? ""
                    print("audit trail ok: \(trail.count) records\(head.map { ", head \($0.hash.prefix(16))…" } ?? ""), \(verification.actionsChecked) actions match it\(anchored)")
                }
                for note in anchors.notes { FileHandle.standardError.write(Data("nightshift: \(note)\n".utf8)) }
            }
            if !ok { throw ExitCode(1) }
        }
    }

    struct Anchor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the audit trail's head (seq, hash, time) to the anchor log now, if it moved since the last anchor.",
            discussion: """
                The daemon does this every [audit] anchor_interval and at every brief; this is for workspaces \
                without a daemon, or a cron job. The line is signed with [audit] anchor_key when set, and handed \
                to [audit.publish] (proposed as publish_anchor). Exit 1 when the key is configured but unset here.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let outcome = try await app.writeAnchor(reason: "manual", onlyIfMoved: true)
            if output.json {
                return Output.printJSON(outcome.json(file: app.anchorLogPath))
            }
            guard let anchor = outcome.anchor else { return print("the audit trail is empty: nothing to anchor") }
            print(outcome.written
                ? "anchored seq \(anchor.seq) (\(anchor.hash.prefix(16))…) in \(app.anchorLogPath)\(anchor.hmac == nil ? ", unsigned" : ", signed")"
                : "the last anchor (seq \(anchor.seq), \(anchor.at)) is current: nothing written")
            if let published = outcome.published { print(published) }
        }
    }
}
