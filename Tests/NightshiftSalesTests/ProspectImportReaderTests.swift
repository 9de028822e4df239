import Foundation
import NightshiftCore
import NightshiftSales
import Testing

@Suite("Reading prospect files: columns to fields, rows to drafts")
struct ProspectImportReaderTests {
    func table(_ text: String) throws -> CSVTable {
        try CSVTable.parse(Data(text.utf8), file: "p.csv").get()
    }

    @Test("columns named like a field fill it, in any case or spelling; a mapping wins over a guess; other columns are ignored")
    func columns() throws {
        let header = ["First Name", "last_name", "E-mail", "Company Name", "Notes", "Org"]
        let guessed = try ProspectImportReader(header: header, mapping: [:])
        #expect(guessed.columns == [.firstName, .lastName, .email, .company, nil, nil])
        #expect(guessed.ignoredColumns == ["Notes", "Org"])
        let mapped = try ProspectImportReader(header: header, mapping: [" org ": .company, "notes": .custom("notes")])
        #expect(mapped.columns == [.firstName, .lastName, .email, nil, .custom("notes"), .company], "the mapped Org fills company, not the guessed column")
    }

    @Test("a mapping of a missing column, two columns for one field, no email or no name column: every problem at once")
    func mappingProblems() throws {
        #expect {
            _ = try ProspectImportReader(header: ["Name", "Company", "Organisation"], mapping: ["Mail": .email])
        } throws: { error in
            (error as? ProspectImportReader.MappingError)?.problems == [
                #"the mapping names the column "Mail", which the header does not have (its columns: Name, Company, Organisation)"#,
                #"the columns "Company" and "Organisation" both fill company; map one of them to another field with --map"#,
                "no column fills email (columns: Name, Company, Organisation); map one with --map COLUMN=email",
            ]
        }
        #expect {
            _ = try ProspectImportReader(header: ["Email", "Company"], mapping: [:])
        } throws: { error in
            (error as? ProspectImportReader.MappingError)?.problems == ["no column fills name, first_name or last_name; map one with --map COLUMN=name"]
        }
        // Several columns may fill the email: every address is kept.
        #expect(try ProspectImportReader(header: ["Name", "Email", "Email 2"], mapping: ["Email 2": .email]).columns == [.name, .email, .email])
    }

    @Test("rows become drafts: trimmed, several addresses, custom fields, the default source; a row without a valid email or a name is broken, not refused")
    func drafts() throws {
        let file = try table("""
            Name,Email,Company,LinkedIn,Source
            " Ada Lovelace ",ada@Example.COM; ada.l@example.org ,Analytical,in/ada,
            Grace,not-an-address,Navy,,conference
            ,charles@example.com,,,
            ,,,,

            """)
        let reader = try ProspectImportReader(header: file.header, mapping: ["LinkedIn": .custom("linkedin")])
        let drafts = reader.drafts(file.rows, source: "csv")
        #expect(drafts.map(\.line) == [2, 3, 4, 5])
        #expect(drafts[0].name == "Ada Lovelace" && drafts[0].emails == ["ada@example.com", "ada.l@example.org"])
        #expect(drafts[0].company == "Analytical" && drafts[0].custom == ["linkedin": "in/ada"] && drafts[0].source == "csv")
        #expect(drafts[0].brokenReason == nil)
        #expect(drafts[1].brokenReason == #"no valid email ("not-an-address")"# && drafts[1].source == "conference")
        #expect(drafts[2].brokenReason == "no name")
        #expect(drafts[3].brokenReason == "no email; no name")
    }

    @Test("email addresses: the domain in lower case; what a mail could not be sent to is refused", arguments: [
        ("Ada@Example.COM", "Ada@example.com"), (" bob+tag@mail.example.co.uk ", "bob+tag@mail.example.co.uk"),
        ("no-at-sign", nil), ("a@b@c.com", nil), ("@example.com", nil), ("ada@", nil), ("ada@localhost", nil),
        ("ada@exa mple.com", nil), ("a..b@example.com", nil), (".a@example.com", nil), ("ada@-x.com", nil), ("ada@x.c0m", nil),
        ("ad a@example.com", nil), ("adé@example.com", nil),
    ] as [(String, String?)])
    func emails(_ text: String, expected: String?) {
        #expect(EmailAddress.normalised(text) == expected)
    }

    @Test("one mailbox, one key: case, and for Gmail the dots, a +tag and googlemail.com, do not matter", arguments: [
        ("Ada@Example.com", "ada@example.com"), ("a.da+news@gmail.com", "ada@gmail.com"), ("A.D.A@GoogleMail.com", "ada@gmail.com"),
        ("ada+x@example.com", "ada+x@example.com"), ("a.da@example.com", "a.da@example.com"),
    ])
    func identityKeys(_ address: String, key: String) {
        #expect(EmailAddress.identityKey(address) == key)
    }

    @Test("--map COLUMN=FIELD: the field after the last =; a bad one names the fields there are")
    func mapArguments() throws {
        #expect(try ProspectImportReader.mapping(arguments: ["E-mail=Address=email", "Org=company", "In=custom.linkedin"]) == [
            "E-mail=Address": .email, "Org": .company, "In": .custom("linkedin"),
        ])
        for (argument, message) in [
            ("Org", #"--map "Org": write COLUMN=FIELD, e.g. --map "E-mail Address=email""#),
            ("=email", #"--map "=email": the column's name is empty"#),
            ("Org=organisation", #"--map "Org=organisation": "organisation" is not a field; the fields are "#),
            ("X=custom.", #"--map "X=custom.": "custom." is not a field"#),
        ] {
            #expect {
                _ = try ProspectImportReader.mapping(arguments: [argument])
            } throws: { error in
                (error as? ProspectImportReader.MappingError)?.description.hasPrefix(message) == true
            }
        }
    }

    @Test("[sales.import] maps columns to fields; an unknown field is an error at its line and column")
    func settings() throws {
        let (good, none) = ConfigLoader.parse(
            "[sales.import]\n\"E-mail Address\" = \"email\"\nLinkedIn = \"custom.linkedin\"\n", file: "nightshift.toml", sections: [SalesSettings.self]
        )
        #expect(none.isEmpty)
        #expect(good?.section(SalesSettings.self)?.importMapping == ["E-mail Address": .email, "LinkedIn": .custom("linkedin")])
        let (bad, problems) = ConfigLoader.parse(
            "[sales.import]\nOrg = \"organisation\"\nN = 3\n", file: "nightshift.toml", sections: [SalesSettings.self]
        )
        #expect(bad == nil)
        #expect(problems.map { "\($0.location.line):\($0.location.column)" } == ["2:7", "3:5"], "\(problems)")
        #expect(problems.first?.message.hasPrefix(#"sales.import."Org": "organisation" is not a field; the fields are company, domain, email"#) == true, "\(problems)")
    }
}
