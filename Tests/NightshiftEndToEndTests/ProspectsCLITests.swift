import Foundation
import Testing

/// `nightshift prospects import|list|show` on a real workspace: a whole file or nothing, every bad
/// line named, `--skip-bad` setting the bad rows aside, broken rows kept with their reason.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ProspectsCLITests {
    static let file = """
        Name;E-mail Address;Company;Notes
        Ada Lovelace;ada@Example.com;Analytical;hi
        "Hopper; Grace";not-mail;Navy;
        Charles;charles@example.com;;

        """

    @Test("import maps the columns (--map), keeps broken rows with their reason; list and show print them; importing again adds none")
    func importListShow() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            try workspace.write("leads.csv", Self.file)
            let imported = try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/leads.csv", "--map", "E-mail Address=email", "--json"))
            #expect(imported.status == 0, "\(imported)")
            let summary = try CLI.decode(JSONView.self, imported.stdout)
            #expect(summary["inserted"] == .number(3) && summary["already_stored"] == .number(0), "\(imported)")
            #expect(summary["broken"] == .array([.object(["line": .number(3), "reason": .string(#"no valid email ("not-mail")"#)])]), "\(imported)")
            #expect(summary["ignored_columns"] == .array([.string("Notes")]))

            let list = try await CLI.run(workspace.args("prospects", "list", "--json"))
            let prospects = try CLI.decode([JSONView].self, list.stdout)
            #expect(prospects.count == 3, "\(list)")
            let ada = try #require(prospects.first { $0["name"] == .string("Ada Lovelace") })
            #expect(ada["emails"] == .array([.string("ada@example.com")]) && ada["company"] == .string("Analytical") && ada["state"] == .string("unengaged"))
            #expect(ada["source"] == .string("csv"))
            let broken = try await CLI.run(workspace.args("prospects", "list", "--state", "broken"))
            #expect(broken.status == 0 && broken.stdout.contains(#"broken  0  Hopper; Grace  (no email)  Navy — no valid email ("not-mail")"#), "\(broken)")

            let id = try #require(ada["id"]?.string)
            let shown = try await CLI.run(workspace.args("prospects", "show", id))
            #expect(shown.status == 0 && shown.stdout.contains("state: unengaged\nemail: ada@example.com\ncompany: Analytical"), "\(shown)")

            let again = try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/leads.csv", "--map", "E-mail Address=email"))
            #expect(again.status == 0 && again.stdout.hasPrefix("1 prospect imported (1 broken), 0 updated, 0 merged, 2 already stored, 0 rejected"), "\(again)")
        }
    }

    @Test("a file with malformed rows imports nothing and names every bad line (exit 2); --skip-bad imports the rest and writes the bad rows aside")
    func malformedRows() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            try workspace.write("bad.csv", "Name,Email\nAda,ada@example.com\nB\"ad,b@example.com\nShort\nCharles,charles@example.com\n")
            let refused = try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/bad.csv"))
            #expect(refused.status == 2, "\(refused)")
            #expect(refused.stderr.contains("bad.csv:3: a quote inside an unquoted cell in column 1"), "\(refused)")
            #expect(refused.stderr.contains("bad.csv:4: 1 cell where the header has 2"), "\(refused)")
            #expect(refused.stderr.contains("nothing was imported"), "\(refused)")
            let none = try await CLI.run(workspace.args("prospects", "list", "--json"))
            #expect(try CLI.decode([JSONView].self, none.stdout).isEmpty, "nothing was imported: \(none)")

            let skipped = try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/bad.csv", "--skip-bad"))
            #expect(skipped.status == 0 && skipped.stdout.hasPrefix("2 prospects imported (0 broken), 0 updated, 0 merged, 0 already stored, 2 rejected"), "\(skipped)")
            let files = try FileManager.default.contentsOfDirectory(atPath: "\(workspace.root)/imports")
            #expect(files.count == 1 && files[0].hasPrefix("rejected-"), "\(files)")
            #expect(workspace.read("imports/\(files[0])") == "Name,Email\nB\"ad,b@example.com\nShort\n")
        }
    }

    @Test("park until a month, activate by hand: back once; dnc, once; a bad month or a holiday that is not a date is refused")
    func parkAndActivate() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[workspace]\ntime_zone = \"Europe/Berlin\"\n\n[sales]\nholidays = [\"2030-01-01\"]\n")
            try workspace.write("leads.csv", "Name,Email\nAda,ada@example.com\n")
            #expect(try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/leads.csv")).status == 0)
            let id = try #require(try CLI.decode([JSONView].self, try await CLI.run(workspace.args("prospects", "list", "--json")).stdout).first?["id"]?.string)
            let parked = try await CLI.run(workspace.args("prospects", "park", id, "--until", "2099-03", "--reason", "budget in spring"))
            #expect(parked.status == 0 && parked.stdout == "\(id) parked until 2099-03\n", "\(parked)")
            let listed = try await CLI.run(workspace.args("prospects", "list", "--state", "parked"))
            #expect(listed.stdout.contains("parked until 2099-03: budget in spring"), "\(listed)")
            #expect(try await CLI.run(workspace.args("prospects", "activate")).stdout == "No parked prospect is due.\n")
            let back = try await CLI.run(workspace.args("prospects", "activate", "--month", "2099-03"))
            #expect(back.status == 0 && back.stdout == "1 prospect back: \(id)\n", "\(back)")
            #expect(try await CLI.run(workspace.args("prospects", "activate", "--month", "2099-03")).stdout == "No parked prospect is due.\n")
            let dnc = try await CLI.run(workspace.args("prospects", "dnc", id, "--reason", "asked to be removed"))
            #expect(dnc.status == 0 && dnc.stdout == "\(id) is do-not-contact\n", "\(dnc)")
            #expect(try await CLI.run(workspace.args("prospects", "dnc", id)).stdout == "\(id) was do-not-contact already\n")
            let shownDNC = try await CLI.run(workspace.args("prospects", "show", id))
            #expect(shownDNC.stdout.contains("state: do_not_contact — do not contact: asked to be removed"), "\(shownDNC)")
            let refusedPark = try await CLI.run(workspace.args("prospects", "park", id, "--until", "2099-04"))
            #expect(refusedPark.status == 1 && refusedPark.stderr.contains("is do_not_contact; only prospects being worked are parked"), "\(refusedPark)")
            let bad = try await CLI.run(workspace.args("prospects", "park", id, "--until", "March"))
            #expect(bad.status == 1 && bad.stderr.contains("--until must be a month written YYYY-MM"), "\(bad)")
            try workspace.write(config: "[workspace]\ntime_zone = \"UTC\"\n\n[sales]\nholidays = [\"2030-02-30\"]\n")
            let config = try await CLI.run(workspace.args("prospects", "list"))
            #expect(config.status == 2 && config.stderr.contains(#"nightshift.toml:5:12: sales.holidays: "2030-02-30" is not a date written YYYY-MM-DD"#), "\(config)")
        }
    }

    @Test("a bad --map, a mapping the file does not fit, an unknown state, an unknown id: a message and nothing done")
    func mistakes() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            try workspace.write("leads.csv", "Who,Mail\nAda,ada@example.com\n")
            for (arguments, status, message) in [
                (["prospects", "import", "\(workspace.root)/leads.csv", "--map", "Mail"], 2, #"--map "Mail": write COLUMN=FIELD"#),
                (["prospects", "import", "\(workspace.root)/leads.csv", "--map", "Mail=mail"], 2, #""mail" is not a field; the fields are"#),
                (["prospects", "import", "\(workspace.root)/leads.csv"], 2, "leads.csv: no column fills name, first_name or last_name; map one with --map COLUMN=name"),
                (["prospects", "import", "\(workspace.root)/nothing.csv"], 2, "nothing.csv: cannot be read"),
                (["prospects", "list", "--state", "hot"], 2, #"--state: unknown state "hot"; states are unengaged, broken"#),
                (["prospects", "show", "p_nobody"], 1, "no prospect p_nobody; see nightshift prospects list"),
            ] as [([String], Int32, String)] {
                let result = try await CLI.run(arguments + ["-w", workspace.root])
                #expect(result.status == status && result.stderr.contains(message), "\(arguments): \(result)")
            }
            let ok = try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/leads.csv", "--map", "Who=name"))
            #expect(ok.status == 0 && ok.stdout.hasPrefix("1 prospect imported"), "\(ok)")
        }
    }
}
