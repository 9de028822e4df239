import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore
import NightshiftSales

/// `nightshift prospects …`: the sales pack's prospects (docs/SALES.md).
struct ProspectsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prospects",
        abstract: "Import, clean, score and work the sales pack's prospects.",
        discussion: """
            States: unengaged, broken (a record that lacks a valid email, a name or a company), engaged, parked, customer, \
            do_not_contact. Each command below is also a step of the nightly cycle (nightshift cycles run nightly).

              nightshift prospects import leads.csv --map "E-mail Address=email" --source webinar
              nightshift prospects dedupe --dry-run
              nightshift prospects list --state broken
              nightshift prospects cards
            """,
        subcommands: [
            Import.self, Pull.self, List.self, Show.self, Dedupe.self, Unmerge.self, Assess.self, Score.self, Park.self, Activate.self, Cards.self,
            Intel.self, Note.self, DoNotContact.self, Export.self, Step.self,
        ]
    )

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import prospects from a CSV file.",
            discussion: """
                The file is RFC 4180 CSV with a header (a UTF-8 byte-order mark, `;` or tab separators are fine). A column \
                fills the field its name says (Email, First Name, Company …), or the one [sales.import] or --map gives it; \
                the fields are \(ProspectImportReader.fieldList). A file with any malformed row imports nothing and lists \
                every bad line as FILE:LINE: message (exit 2); with --skip-bad the good rows are imported and the bad ones \
                written to imports/rejected-TIMESTAMP.csv. A row without a valid email or a name is imported as broken, with \
                the reason. Rows of one mailbox within the file are merged into one prospect; a row whose mailbox is stored \
                already fills the fields the stored prospect lacks (updated) and changes nothing else.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(name: .customLong("map"), help: ArgumentHelp("Which field a column fills (repeat it).", valueName: "COLUMN=FIELD"))
        var maps: [String] = []
        @Option(help: ArgumentHelp("Where the prospects came from (default csv), for rows without a source column.", valueName: "NAME"))
        var source: String?
        @Flag(name: .customLong("skip-bad"), help: "Import the good rows of a file with malformed rows; write the bad ones aside.")
        var skipBad = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let mapping: [String: ProspectField]
            do { mapping = try ProspectImportReader.mapping(arguments: maps) } catch { throw AppError.usage(error.description) }
            let app = try await workspace.load()
            let summary = try await app.importProspects(path: file, mapping: mapping, source: source, skipBad: skipBad)
            if output.json { return Output.printJSON(summary.json) }
            print("\(summary.inserted) prospect\(summary.inserted == 1 ? "" : "s") imported (\(summary.broken.count) broken), \(summary.updated) updated, "
                + "\(summary.merged) merged, \(summary.alreadyStored) already stored, \(summary.rejected.count) rejected")
            for row in summary.broken { print("  \(file):\(row.line): broken: \(row.reason)") }
            for problem in summary.rejected { print("  rejected \(problem)") }
            if let path = summary.rejectedFile { print("rejected rows written to \(path)") }
            if !summary.ignoredColumns.isEmpty { print("columns not imported: \(summary.ignoredColumns.joined(separator: ", "))") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List prospects, oldest first.")
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Only these states, comma-separated.", valueName: "STATES")) var state: String?
        @Option(help: ArgumentHelp("Only those parked until this month.", valueName: "YYYY-MM")) var bucket: String?
        @Option(name: .customLong("min-score"), help: ArgumentHelp("Only those scoring at least this.", valueName: "N"), transform: NumberArgument.decimal())
        var minScore: Double?
        @Option(parsing: .unconditional, help: ArgumentHelp("At most this many (default 100).", valueName: "N"), transform: NumberArgument.integer())
        var limit = 100
        @OptionGroup var output: OutputOptions

        func run() async throws {
            guard (1...100_000).contains(limit) else { throw AppError.usage("--limit must be between 1 and 100000, found \(limit)") }
            let states: Set<ProspectState> = try StateOption.parse(state ?? "")
            let app = try await workspace.load()
            let prospects = try await app.listProspects(states: states, bucket: bucket, minimumScore: minScore, limit: limit)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(prospects.map { $0.json(zone: zone) })) }
            if prospects.isEmpty { return print("No prospects\(states.isEmpty ? "" : " in that state"); nightshift prospects import FILE.csv adds some.") }
            for prospect in prospects {
                let reason = prospect.stateReason.map { " — \($0)" } ?? ""
                print("\(prospect.id)  \(prospect.state.rawValue)  \(JSONValue.number(prospect.score).text)  \(prospect.name ?? "(no name)")  \(prospect.emails.first ?? "(no email)")  \(prospect.company ?? "")\(reason)")
            }
        }
    }

    struct Park: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a prospect aside until a month: it comes back on that month's first business day.",
            discussion: "Business days skip Saturdays, Sundays and [sales] holidays, in the workspace's zone. Example: nightshift prospects park p_01… --until 2027-03 --reason \"budget in spring\""
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The prospect's id (p_…).") var id: String
        @Option(help: ArgumentHelp("The month it comes back, YYYY-MM.", valueName: "MONTH")) var until: String
        @Option(help: ArgumentHelp("Why, kept with it.", valueName: "TEXT")) var reason: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let prospect = try await app.parkProspect(id, until: until, reason: reason)
            if output.json { return Output.printJSON(prospect.json(zone: app.configuration.settings.timeZone)) }
            print("\(prospect.id) parked until \(until)")
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring back the parked prospects whose month has come (the nightly buckets step does it too).",
            discussion: "With --month, those parked until that month or earlier, whatever the day. Running it again changes nothing."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Bring back the buckets up to this month, YYYY-MM.", valueName: "MONTH")) var month: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let back = try await app.activateProspects(month: month)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(back.map { $0.json(zone: zone) })) }
            print(back.isEmpty ? "No parked prospect is due." : "\(back.count) prospect\(back.count == 1 ? "" : "s") back: \(back.map(\.id).joined(separator: ", "))")
        }
    }

    struct DoNotContact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dnc",
            abstract: "Mark a prospect do-not-contact: never drafted, never parked, never brought back.",
            discussion: "Marking one that is marked already changes nothing (exit 0). Example: nightshift prospects dnc p_01… --reason \"asked to be removed\""
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The prospect's id (p_…).") var id: String
        @Option(help: ArgumentHelp("Why, kept with it.", valueName: "TEXT")) var reason: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let (prospect, changed) = try await app.markDoNotContact(id, reason: reason)
            if output.json { return Output.printJSON(prospect.json(zone: app.configuration.settings.timeZone)) }
            print(changed ? "\(prospect.id) is do-not-contact" : "\(prospect.id) was do-not-contact already")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one prospect in full.")
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The prospect's id (p_…).") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let prospect = try await app.prospect(id)
            let activities = try await app.prospectActivities(id)
            let thread = try await app.prospectMail(id)
            let zone = app.configuration.settings.timeZone
            if output.json {
                guard case .object(var members) = prospect.json(zone: zone) else { return }
                members["activities"] = .array(activities.map { $0.json(zone: zone) })
                members["mail"] = .array(thread.map { $0.json(zone: zone) })
                return Output.printJSON(.object(members))
            }
            var lines = ["\(prospect.id): \(prospect.name ?? "(no name)")", "state: \(prospect.state.rawValue)\(prospect.stateReason.map { " — \($0)" } ?? "")"]
            if !prospect.emails.isEmpty { lines.append("email: \(prospect.emails.joined(separator: ", "))") }
            for (label, value) in [("company", prospect.company), ("domain", prospect.domain), ("title", prospect.title), ("phone", prospect.phone), ("source", prospect.source)] {
                if let value { lines.append("\(label): \(value)") }
            }
            if !prospect.externalIDs.isEmpty { lines.append("external ids: \(prospect.externalIDs.joined(separator: ", "))") }
            for (key, value) in prospect.custom.sorted(by: { $0.key < $1.key }) { lines.append("custom.\(key): \(value)") }
            if prospect.state == .parked, let month = prospect.bucketMonth { lines.append("bucket: \(month)") }
            lines.append("score: \(JSONValue.number(prospect.score).text)" + (prospect.scoreParts.isEmpty ? "" : " = " + ScoreText.parts(prospect.scoreParts)))
            if !prospect.flags.isEmpty { lines.append("flags: \(prospect.flags.sorted().map(\.rawValue).joined(separator: ", "))") }
            if let touch = prospect.lastTouchAt { lines.append("last touch: \(ISO8601.format(touch, in: zone))") }
            lines.append("created: \(ISO8601.format(prospect.createdAt, in: zone))")
            if let replied = prospect.repliedAt { lines.append("replied: \(ISO8601.format(replied, in: zone)) (its sequence stopped)") }
            if let paused = prospect.pausedUntil { lines.append("sequence paused until: \(ISO8601.format(paused, in: zone))") }
            if !thread.isEmpty {
                lines.append("mail (oldest first):")
                for mail in thread {
                    let arrow = mail.direction == .sent ? "→" : "←"
                    lines.append("  \(Output.time(mail.date ?? mail.recordedAt, zone))  \(arrow) \(mail.direction == .sent ? mail.to.joined(separator: ", ") : mail.from)  \(mail.subject)"
                        + (mail.effectiveClass.map { "  [\($0)]" } ?? ""))
                    let text = mail.text.split(separator: "\n", omittingEmptySubsequences: true).prefix(6)
                    lines += text.map { "      \($0)" }
                }
            }
            if !activities.isEmpty {
                lines.append("activity (newest first):")
                lines += activities.map { "  \(ISO8601.format($0.at, in: zone))  \($0.kind)  \($0.actor)  \($0.summary)" }
            }
            print(lines.joined(separator: "\n"))
        }
    }

    struct Dedupe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge duplicate prospects.",
            discussion: """
                Exact first: the same address (in lower case; for Gmail without dots and +tag, googlemail.com as gmail.com). \
                Then alike names (Jaro-Winkler at [sales.dedupe] threshold, default 0.92) within a block: the same company \
                domain or the same company name — never a free-mail domain alone. Each group is merged into its richest \
                record, keeping every address and source id; every merge can be undone with nightshift prospects unmerge. \
                --dry-run prints the groups and changes nothing.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Flag(name: .customLong("dry-run"), help: "Print the groups; merge nothing.") var dryRun = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let sets = try await app.dedupeProspects(dryRun: dryRun)
            if output.json { return Output.printJSON(.array(sets.map(\.json))) }
            if sets.isEmpty { return print("No duplicates.") }
            for set in sets {
                print("\(dryRun ? "would merge" : "merged") \(set.merged.map(\.id).joined(separator: ", ")) into \(set.survivor.id) (\(set.survivor.label))\(set.mergeID.map { " — \($0)" } ?? "")")
                for reason in set.reasons { print("  \(reason)") }
            }
            print("\(sets.count) group\(sets.count == 1 ? "" : "s")\(dryRun ? "; nothing merged (--dry-run)" : "")")
        }
    }

    struct Unmerge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo a merge: the merged prospects come back as they were.",
            discussion: "ID is a merge's id (m_…) or the id of the prospect others were merged into (its latest merge). Fields the merge filled go back unless they were changed since."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "A merge's id, or the surviving prospect's id.") var id: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let merge = try await app.unmergeProspects(id)
            if output.json {
                return Output.printJSON(.object(["merge": .string(merge.id), "survivor": .string(merge.survivorID), "restored": .array(merge.merged.map { .string($0.id) })]))
            }
            print("undid \(merge.id): \(merge.merged.map(\.id).joined(separator: ", ")) restored beside \(merge.survivorID)")
        }
    }

    struct Assess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assess new records: broken (with the reason) or unengaged.",
            discussion: "A record lacking a valid email, a name or a company is broken; research fills it. --all assesses every record again."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Flag(help: "Assess every record, not only the new ones.") var all = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let report = try await app.assessProspects(all: all)
            if output.json { return Output.printJSON(report.json) }
            print("assessed \(report.assessed): \(report.whole) whole, \(report.broken.count) broken")
            for row in report.broken { print("  \(row.id): \(row.reason)") }
        }
    }

    struct Score: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score every prospect by [sales.scoring], or explain one prospect's score.",
            discussion: "nightshift prospects score --explain p_01… prints each part of the score: fields, title, flags, state, recent touch, custom values."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Explain this prospect's score; change nothing.", valueName: "ID")) var explain: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            if let explain {
                let (prospect, score, parts) = try await app.explainScore(explain)
                if output.json {
                    return Output.printJSON(.object([
                        "id": .string(prospect.id), "score": .number(score), "stored_score": .number(prospect.score),
                        "parts": .array(parts.map { .object(["label": .string($0.label), "points": .number($0.points)]) }),
                    ]))
                }
                print("\(prospect.id) \(prospect.label): \(JSONValue.number(score).text)\(score == prospect.score ? "" : " (stored \(JSONValue.number(prospect.score).text); nightshift prospects score writes it)")")
                for part in parts { print("  \(part.points >= 0 ? "+" : "")\(JSONValue.number(part.points).text)  \(part.label)") }
                if parts.isEmpty { print("  no rule of [sales.scoring] applies") }
                return
            }
            let report = try await app.rescoreProspects()
            if output.json { return Output.printJSON(report.json) }
            print("scored \(report.scored), \(report.changed) changed")
        }
    }

    struct Cards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The prospects to work today, ranked by score and due touches, each with why.",
            discussion: "Follow-ups due after a week without touch, prospects back from a bucket, new intel and never-touched prospects rank higher."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(name: .short, help: ArgumentHelp("How many (default [sales.cards] count, 10).", valueName: "N"), transform: NumberArgument.integer())
        var n: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            if let n, !(1...1000).contains(n) { throw AppError.usage("-n must be between 1 and 1000, found \(n)") }
            let app = try await workspace.load()
            let cards = try await app.prospectCards(count: n)
            if output.json { return Output.printJSON(.array(cards.map { $0.json(zone: app.configuration.settings.timeZone) })) }
            if cards.isEmpty { return print("No cards: no unengaged or engaged prospect.") }
            for (index, card) in cards.enumerated() {
                print("\(index + 1). \(card.prospect.id) \(card.prospect.label)\(card.prospect.company.map { " (\($0))" } ?? "")")
                print("   \(card.reasons.joined(separator: "; "))")
            }
        }
    }

    struct Intel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The nuggets found in notes: amounts, dates, competitors, budget, timeline and decision-maker phrases.",
            discussion: "The nightly intel step reads the notes written since its last run; --scan does it now. Competitors come from [sales.intel] competitors."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "Only this prospect's.") var id: String?
        @Flag(help: "Read the notes written since the last run first.") var scan = false
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let nuggets = try await app.prospectIntel(id, scan: scan)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(.array(nuggets.map { $0.json(zone: zone) })) }
            if nuggets.isEmpty { return print("No intel yet\(scan ? "" : " (the nightly intel step, or --scan, reads the notes)").") }
            for nugget in nuggets { print("\(nugget.prospectID)  \(ISO8601.format(nugget.at, in: zone))  \(nugget.summary)") }
        }
    }

    struct Note: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a note to a prospect (the intel step reads it).",
            discussion: "Example: nightshift prospects note p_01… \"Budget of $40k approved, decides by end of quarter; also talking to Globex\""
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The prospect's id (p_…).") var id: String
        @Argument(help: "The note.") var text: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let note = try await app.noteProspect(id, text: text)
            if output.json { return Output.printJSON(note.json(zone: app.configuration.settings.timeZone)) }
            print("noted on \(note.prospectID) (\(note.id))")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export prospects as CSV (RFC 4180), to a file or standard output.",
            discussion: "Columns: the import's fields, other addresses and source ids (;-separated), state, bucket, score, flags, and custom.KEY."
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("Only these states, comma-separated.", valueName: "STATES")) var state: String?
        @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write to this file (default: standard output).", valueName: "FILE"))
        var file: String?

        func run() async throws {
            let states: Set<ProspectState> = try StateOption.parse(state ?? "")
            let app = try await workspace.load()
            let text = try await app.exportProspects(states: states)
            guard let file else { return print(text, terminator: "") }
            do { try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic) } catch {
                throw AppError.failure("\(file): cannot be written (\(error.localizedDescription))")
            }
            print("exported to \(file)")
        }
    }
}

extension ProspectsCommand {
    /// One step of the nightly cycle, by hand.
    struct Step: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one step of the nightly cycle (or an hourly one) now, in this process (the cycle runs them all: nightshift cycles run nightly).",
            discussion: """
                Nightly: \(SalesNightly.steps.map(\.name).joined(separator: ", ")); hourly: \(SalesNightly.hourlySteps.joined(separator: ", ")) \
                (calendar sync and demo prep, with [sales.calendars]). Each is proposed to the policy gate as a \
                run_step action and recorded as a run of its own; it prints what it did and a NIGHTSHIFT_OUTPUT line. \
                Needs a [sales] table in nightshift.toml. Exit 1 when the step fails, 2 for an unknown step.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The step's name (backup, dedupe, research …).") var name: String

        func run() async throws {
            let names = SalesNightly.steps.map(\.name) + SalesNightly.hourlySteps
            guard names.contains(name) else {
                throw AppError.usage("no sales step \"\(name)\"; the steps are \(names.joined(separator: ", "))")
            }
            let app = try await workspace.load()
            guard app.configuration.section(SalesSettings.self) != nil else {
                throw AppError.usage("\(app.workspace.configPath) has no [sales] table: add one (nightshift init --example sales shows it) to run the nightly steps")
            }
            try await PackStepRun.run("sales.\(name)", in: app)
        }
    }
}

extension ProspectsCommand {
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Pull new and changed contacts from the CRM in [sales.crm] (ActiveCampaign or HubSpot).",
            discussion: """
                The first pull takes every contact, the next ones what changed since the last complete pull. Each page is \
                stored with the cursor of the next in one transaction: a pull cut off goes on where it stopped, and never \
                stores a contact twice. A contact whose address is stored already updates that prospect (a new title or \
                company marks it changed). The pull is a pull_prospects action through the policy; the token comes from \
                the variable [sales.crm] token names. Exit 1 when the CRM refuses or fails (the next pull resumes).
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Option(help: ArgumentHelp("At most this many contacts (default [sales.crm] pull_limit).", valueName: "N"), transform: NumberArgument.integer())
        var limit: Int?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            if let limit, !(1...10_000_000).contains(limit) { throw AppError.usage("--limit must be between 1 and 10000000, found \(limit)") }
            let app = try await workspace.load()
            let outcome = try await app.pullProspects(limit: limit)
            if output.json, case .success(let value?) = StepOutput.parse(outcome.result.output) {
                Output.printJSON(value)
            } else if !output.json {
                let lines = outcome.result.output.split(separator: "\n").filter { !$0.hasPrefix(StepOutput.marker) }
                for line in lines { print(line) }
            }
            if let note = outcome.result.gate { throw AppError.failure(note.summary) }
            if !outcome.result.succeeded { throw AppError.failure(outcome.result.error ?? "the pull failed") }
        }
    }
}

/// A score's parts in one line: `+10 has title, +25 title "ceo", -10 flag stale`.
enum ScoreText {
    static func parts(_ parts: [ScorePart]) -> String {
        parts.map { "\($0.points >= 0 ? "+" : "")\(JSONValue.number($0.points).text) \($0.label)" }.joined(separator: ", ")
    }
}
