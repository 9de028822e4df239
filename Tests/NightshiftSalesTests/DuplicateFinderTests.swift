import Foundation
import NightshiftCore
import NightshiftSales
import NightshiftTesting
import Testing

@Suite("Jaro–Winkler similarity")
struct JaroWinklerTests {
    @Test("the published values: MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.84, DIXON/DICKSONX 0.813", arguments: [
        ("MARTHA", "MARHTA", 0.961), ("DWAYNE", "DUANE", 0.840), ("DIXON", "DICKSONX", 0.813),
    ])
    func publishedValues(a: String, b: String, expected: Double) {
        #expect(abs(JaroWinkler.similarity(a, b) - expected) < 0.0005)
        #expect(abs(JaroWinkler.similarity(Array(a.utf8), Array(b.utf8)) - expected) < 0.0005)
        #expect(JaroWinkler.similarity(a, b) == JaroWinkler.similarity(b, a))
    }

    @Test("identical strings score 1, strings with nothing in common 0, an empty string against another 0")
    func extremes() {
        #expect(JaroWinkler.similarity("ana maria ruiz", "ana maria ruiz") == 1)
        #expect(JaroWinkler.similarity("abc", "xyz") == 0)
        #expect(JaroWinkler.similarity("", "abc") == 0)
        #expect(JaroWinkler.similarity("", "") == 1)
    }

    @Test("Jaro alone is the unlifted score (MARTHA/MARHTA 0.944), and strings over 64 units score by the same formula")
    func jaroAndLongStrings() {
        #expect(abs(JaroWinkler.jaro("MARTHA", "MARHTA") - 0.9444) < 0.0001)
        // 79 of 80 match in order: Jaro (79/80 + 79/80 + 1) / 3, lifted by a 4-letter prefix.
        let long = String(repeating: "a", count: 80), changed = String(repeating: "a", count: 79) + "b"
        let jaro = (79.0 / 80 + 79.0 / 80 + 1) / 3
        #expect(abs(JaroWinkler.similarity(long, changed) - (jaro + 0.4 * (1 - jaro))) < 1e-12)
    }

    @Test("names compare scalar by scalar: é is one character, not two bytes")
    func scalars() {
        let scalars = JaroWinkler.similarity(Array("josé".unicodeScalars), Array("jose".unicodeScalars))
        #expect(abs(scalars - JaroWinkler.similarity("josa", "jose")) < 1e-12)
    }
}

@Suite("Normalising names and companies")
struct DedupeNormalisationTests {
    @Test("a name is lower case, without diacritics or punctuation, its words single-spaced", arguments: [
        ("  Ana María  O'Brien-Ruiz, Jr. ", "ana maria obrien ruiz jr"),
        ("Łukasz MÜLLER", "lukasz muller"),
        ("ZOË Straße", "zoe strasse"),
        ("Søren Ørsted", "soren orsted"),
        ("İbrahim Yılmaz", "ibrahim yilmaz"),
        ("ＪＯＨＮ  Smith", "john smith"),
        ("Jean\u{2019}s  \t Café", "jeans cafe"),
        ("José", "jose"),
        ("Jose\u{301}", "jose"),
        ("Иван Петров", "иван петров"),
        (" -- ", ""),
    ])
    func names(text: String, expected: String) {
        #expect(DuplicateFinder.normalisedName(text) == expected)
    }

    @Test("a company also loses a leading \"the\" and trailing legal forms, as long as a word remains", arguments: [
        ("The ACME Company, Inc.", "acme"),
        ("Acme Inc.", "acme"),
        ("ACME", "acme"),
        ("Acme GmbH & Co. KG", "acme"),
        ("Blue Harbor Pty Ltd", "blue harbor"),
        ("Société Générale S.A.", "societe generale"),
        ("S.p.A.", "spa"),
        ("The Company", "company"),
        ("Theory Labs", "theory labs"),
    ])
    func companies(text: String, expected: String) {
        #expect(DuplicateFinder.normalisedCompany(text) == expected)
    }

    @Test("a domain loses its scheme, www., path and case; text without a dot is no domain")
    func domains() {
        #expect(DuplicateFinder.normalisedDomain("https://www.Acme.com/about") == "acme.com")
        #expect(DuplicateFinder.normalisedDomain(" acme.co.uk. ") == "acme.co.uk")
        #expect(DuplicateFinder.normalisedDomain("localhost") == nil)
    }

    @Test("free-mail domains include national variants of the big brands")
    func freeMail() {
        let finder = DuplicateFinder(extraFreeMailDomains: ["Corpmail.example"])
        for domain in ["gmail.com", "googlemail.com", "yahoo.co.uk", "hotmail.fr", "gmx.net", "yandex.ru", "proton.me", "corpmail.example"] {
            #expect(finder.isFreeMail(domain), "\(domain)")
        }
        #expect(!finder.isFreeMail("acme.com"))
    }
}

@Suite("Duplicate finder")
struct DuplicateFinderTests {
    static func record(_ emails: [String], _ name: String?, company: String? = nil, domain: String? = nil) -> DedupeRecord {
        DedupeRecord(emailKeys: emails.map(EmailAddress.identityKey), name: name, company: company, domain: domain)
    }

    @Test("records sharing a Gmail identity key are one group, whatever their dots, +tags, case or googlemail.com")
    func gmailVariants() {
        let records = [
            Self.record(["John.Smith@gmail.com"], "John Smith"),
            Self.record(["ada@example.com"], "Ada Lovelace"),
            Self.record(["johnsmith+crm@googlemail.com"], nil),
            Self.record(["J.O.H.N.Smith@GMAIL.com"], "J. Smith", company: "Acme"),
        ]
        let groups = DuplicateFinder().groups(records)
        #expect(groups.map(\.members) == [[0, 2, 3]])
        #expect(groups.first?.links.map(\.reason) == [.sameEmail("johnsmith@gmail.com"), .sameEmail("johnsmith@gmail.com")])
    }

    @Test("shared keys join transitively: A shares with B, B with C, so A, B and C are one group with two links")
    func transitive() {
        let records = [
            Self.record(["a@one.example"], "Ann"),
            Self.record(["c@three.example"], "Cy"),
            Self.record(["a@one.example", "b@two.example"], "Ann B"),
            Self.record(["b@two.example"], "Bea"),
        ]
        let groups = DuplicateFinder().groups(records)
        #expect(groups.map(\.members) == [[0, 2, 3]])
        #expect(groups.first?.links.count == 2)
    }

    @Test("the same name at two companies stays apart, and so does the same name at one company's name and another's domain")
    func sameNameTwoCompanies() {
        let records = [
            Self.record(["jsmith@acme.com"], "John Smith", company: "Acme Inc.", domain: "acme.com"),
            Self.record(["john.smith@globex.com"], "John Smith", company: "Globex", domain: "globex.com"),
            Self.record(["john@initech.example"], "John Smith", company: "Initech"),
            Self.record(["smith@umbrella.example"], "Jon Smith", domain: "umbrella.example"),
        ]
        #expect(DuplicateFinder().groups(records).isEmpty)
    }

    @Test("colleagues with one long first name and other surnames stay apart; a typo in a surname is still found")
    func sameFirstNameColleagues() {
        let records = [
            Self.record(["ewarren@acme.com"], "Elizabeth Warren", company: "Acme", domain: "acme.com"),
            Self.record(["egreen@acme.com"], "Elizabeth Green", company: "Acme", domain: "acme.com"),
            Self.record(["christopher.jones@acme.com"], "Christopher Jones", company: "Acme", domain: "acme.com"),
            Self.record(["cbell@acme.com"], "Christopher Bell", company: "Acme", domain: "acme.com"),
            Self.record(["k.kowalska@acme.com"], "Katarzyna Kowalska", company: "Acme", domain: "acme.com"),
            Self.record(["kasia@acme.com"], "Katarzyna Kowalksa", company: "Acme", domain: "acme.com"),
        ]
        #expect(JaroWinkler.similarity("elizabeth warren", "elizabeth green") >= 0.92, "the whole names alone would join them")
        #expect(DuplicateFinder().groups(records).map(\.members) == [[4, 5]])
    }

    @Test("free-mail users with similar names and no company stay apart: a free-mail domain never forms a block")
    func freeMailUsers() {
        let records = [
            Self.record(["maria.garcia@gmail.com"], "Maria Garcia"),
            Self.record(["mgarcia@yahoo.com"], "María García"),
            Self.record(["maria.garcia77@hotmail.com"], "Maria Garcia", domain: "hotmail.com"),
            Self.record(["garcia.maria@gmx.de"], "Maria Garcia", company: "N/A"),
            Self.record(["mg@outlook.com"], "Maria Garcia", company: "Self-employed"),
        ]
        #expect(DuplicateFinder().groups(records).isEmpty)
    }

    @Test("a typo at one company is found, by domain when the company is written differently, and explained by the block")
    func typoWithinCompany() throws {
        let records = [
            Self.record(["jsmith@acme.com"], "Jonathan Smith", company: "Acme Inc.", domain: "acme.com"),
            Self.record(["other@acme.com"], "Priya Patel", company: "ACME", domain: "acme.com"),
            Self.record(["jonathan.smith@acme.com"], "Jonathon Smith", company: "The Acme Company"),
        ]
        let groups = DuplicateFinder().groups(records)
        #expect(groups.map(\.members) == [[0, 2]])
        let link = try #require(groups.first?.links.first)
        guard case .similarName(let similarity, let block) = link.reason else {
            Issue.record("expected a similar-name link, got \(link.reason)")
            return
        }
        #expect(link.a == 0 && link.b == 2 && similarity >= 0.92 && ["domain:acme.com", "company:acme"].contains(block))
    }

    @Test("records without a name never match by name, and the threshold decides what is similar enough")
    func namelessAndThreshold() {
        let nameless = [Self.record(["a@acme.com"], nil, company: "Acme"), Self.record(["b@acme.com"], nil, company: "Acme")]
        #expect(DuplicateFinder().groups(nameless).isEmpty)
        let similar = [Self.record(["a@acme.com"], "Jon Smith", company: "Acme"), Self.record(["b@acme.com"], "John Smith", company: "Acme")]
        #expect(DuplicateFinder().groups(similar).count == 1)
        #expect(DuplicateFinder(threshold: 0.99).groups(similar).isEmpty)
    }

    @Test("a domain the operator lists as free mail forms no block")
    func extraFreeMail() {
        let records = [Self.record(["jsmith@corpmail.example"], "John Smith"), Self.record(["jon@corpmail.example"], "Jon Smith")]
        #expect(DuplicateFinder().groups(records).count == 1)
        #expect(DuplicateFinder(extraFreeMailDomains: ["corpmail.example"]).groups(records).isEmpty)
    }

    @Test("groups come sorted by first member, members ascending, each with one link fewer than members")
    func groupShape() {
        let records = [
            Self.record(["z@x.example"], "Zed"),
            Self.record(["k@acme.com"], "Karl Becker", domain: "acme.com"),
            Self.record(["shared@y.example"], "Yan"),
            Self.record(["z@x.example"], "Zed Again"),
            Self.record(["kbecker@acme.com"], "Karl Bekcer", domain: "acme.com"),
            Self.record(["shared@y.example"], "Yannick"),
            Self.record(["karl.becker@acme.com", "z@x.example"], "Carl Becker", domain: "acme.com"),
        ]
        let groups = DuplicateFinder().groups(records)
        #expect(groups.map(\.members) == [[0, 1, 3, 4, 6], [2, 5]])
        for group in groups {
            #expect(group.links.count == group.members.count - 1)
            #expect(group.links.allSatisfy { group.members.contains($0.a) && group.members.contains($0.b) && $0.a < $0.b })
        }
    }

    @Test("a block of 5,000 people at one company finds its 50 planted typos, links nothing else, and compares linearly many pairs",
          .timeLimit(.minutes(1)))
    func bigBlock() {
        var letters = Letters(seed: 7)
        var records: [DedupeRecord] = []
        for _ in 0..<5_000 {
            let first = letters.word(5...8), last = letters.word(6...10)
            let name = "\(first.capitalized) \(last.capitalized)"
            records.append(Self.record(["\(first).\(last)@bigco.example"], name, company: "BigCo Inc.", domain: "bigco.example"))
        }
        var planted: [[Int]] = []
        for number in 0..<50 {
            let original = number * 97
            guard let name = records[original].name else { continue }
            var characters = Array(name)
            if number % 2 == 0 {
                characters.swapAt(2, 3)
            } else {
                characters[characters.count - 3] = characters[characters.count - 3] == "q" ? "x" : "q"
            }
            planted.append([original, records.count])
            records.append(Self.record(["dup\(number)@bigco.example"], String(characters), company: "BigCo", domain: "bigco.example"))
        }
        let finder = DuplicateFinder()
        let report = finder.analyse(records)
        #expect(report.groups.map(\.members) == planted)
        #expect(report.largestBlock == records.count)
        #expect(report.candidatePairs <= 2 * finder.window * records.count)
    }

    @Test("on 20,000 generated rows, pairwise precision is at least 0.98 and recall at least 0.95")
    func generatedPrecisionAndRecall() {
        let file = GeneratedProspects.shared
        let records = file.rows().map(GeneratedProspects.record)
        let found = GeneratedProspects.pairs(DuplicateFinder().groups(records).map(\.members))
        let expected = GeneratedProspects.pairs(file.truth)
        let correct = found.intersection(expected).count
        let precision = Double(correct) / Double(max(1, found.count)), recall = Double(correct) / Double(max(1, expected.count))
        #expect(expected.count > 900)
        #expect(precision >= 0.98, "precision \(precision): \(found.count) pairs found, \(correct) correct")
        #expect(recall >= 0.95, "recall \(recall): \(expected.count) pairs expected, \(correct) found")
    }
}

@Suite("Prospect file generator")
struct ProspectFileGeneratorTests {
    @Test("the same seed gives the same file; another seed another")
    func deterministic() {
        let file = ProspectFileGenerator(count: 300).csv()
        #expect(ProspectFileGenerator(count: 300).csv() == file)
        #expect(ProspectFileGenerator(count: 300, seed: 43).csv() != file)
        #expect(file.hasPrefix("id,first_name,last_name,email,company,domain,title,phone\r\n"))
    }

    @Test("the file is RFC 4180 that CSVTable reads back to the rows, quoted cells included, and write(to:) writes the same")
    func roundTrip() throws {
        let file = ProspectFileGenerator(count: 2_000, seed: 5)
        let text = file.csv()
        #expect(text.contains("\"Director, Strategic Accounts\"") && text.contains("\"\"\"Chief\"\" Happiness Officer\""))
        let table = try CSVTable.parse(Data(text.utf8), file: "generated.csv").get()
        #expect(table.header == ProspectFileGenerator.header.split(separator: ",").map(String.init))
        let rows = file.rows().map { [$0.id, $0.firstName, $0.lastName, $0.email, $0.company, $0.domain, $0.title, $0.phone] }
        #expect(table.rows.map(\.cells) == rows)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("prospects-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == text)
    }

    @Test("truth: disjoint ascending groups whose extra rows are the duplicate rate of the file")
    func truthShape() {
        let file = ProspectFileGenerator(count: 4_000, duplicateRate: 0.1, seed: 9)
        #expect(file.truth.allSatisfy { $0.count >= 2 && $0 == $0.sorted() })
        #expect(file.truth.map { $0.count - 1 }.reduce(0, +) == 400)
        #expect(Set(file.truth.joined()).count == file.truth.joined().count)
        #expect(file.truth.map(\.[0]) == file.truth.map(\.[0]).sorted())
    }

    @Test("tiny files are whole: a header, one line per row, and the rounded share of duplicates", arguments: [0, 1, 2, 7, 40])
    func tiny(count: Int) {
        let file = ProspectFileGenerator(count: count)
        #expect(file.csv().components(separatedBy: "\r\n").dropLast().count == count + 1)
        #expect(file.truth.map { $0.count - 1 }.reduce(0, +) == Int((Double(count) * 0.05).rounded()))
    }

    @Test("the duplicates are a realistic mix, and the look-alikes that must stay apart are there")
    func mix() {
        let file = GeneratedProspects.shared
        let rows = file.rows()
        let pairs = file.truth.map { (rows[$0[0]], rows[$0[1]]) }
        let sameKey = { (a: ProspectFileGenerator.Row, b: ProspectFileGenerator.Row) in
            EmailAddress.identityKey(a.email) == EmailAddress.identityKey(b.email)
        }
        #expect(pairs.contains { $0.email != $1.email && $0.email.hasSuffix("gmail.com") && sameKey($0, $1) })
        #expect(pairs.contains { $0.email.hasSuffix("googlemail.com") || $1.email.hasSuffix("googlemail.com") })
        #expect(pairs.contains { $0.email != $1.email && $0.email.lowercased() == $1.email.lowercased() })
        #expect(pairs.contains { $0.email == $1.email && !$0.company.isEmpty && !$1.company.isEmpty && $0.company != $1.company })
        let typo = { (a: ProspectFileGenerator.Row, b: ProspectFileGenerator.Row) in a.firstName + a.lastName != b.firstName + b.lastName }
        #expect(pairs.contains { $0.domain == $1.domain && !$0.domain.isEmpty && $0.email != $1.email && typo($0, $1) })
        let inGroups = Set(file.truth.joined())
        var companiesOfName: [String: Set<String>] = [:]
        for (index, row) in rows.enumerated() where !inGroups.contains(index) && !row.domain.isEmpty {
            companiesOfName[row.firstName + " " + row.lastName, default: []].insert(row.domain)
        }
        #expect(companiesOfName.values.contains { $0.count > 1 })
        #expect(rows.contains { $0.company.isEmpty && $0.domain.isEmpty && $0.email.hasSuffix("@gmail.com") })
        #expect(Dictionary(grouping: rows.filter { !$0.domain.isEmpty }, by: \.domain).values.contains { $0.count >= 1_000 })
        #expect(rows.contains { ["Łukasz", "Zoë", "José"].contains($0.firstName) } && rows.contains { $0.lastName == "Müller" })
    }
}

/// The 20,000-row file two suites read, made once.
enum GeneratedProspects {
    static let shared = ProspectFileGenerator(count: 20_000)

    /// A generated row as the duplicate finder sees it.
    static func record(_ row: ProspectFileGenerator.Row) -> DedupeRecord {
        DedupeRecord(
            emailKeys: [EmailAddress.identityKey(row.email)], name: row.firstName + " " + row.lastName,
            company: row.company.isEmpty ? nil : row.company, domain: row.domain.isEmpty ? nil : row.domain
        )
    }

    /// Every pair of rows that share a group, as (smaller << 32 | larger).
    static func pairs(_ groups: [[Int]]) -> Set<UInt64> {
        var pairs = Set<UInt64>()
        for group in groups {
            for (position, a) in group.enumerated() {
                for b in group[(position + 1)...] { pairs.insert(UInt64(min(a, b)) << 32 | UInt64(max(a, b))) }
            }
        }
        return pairs
    }
}

/// Random lower-case words from a seed (``SeededGenerator``), for names no list would hold.
struct Letters {
    var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    mutating func next() -> UInt64 { generator.next() }

    mutating func word(_ lengths: ClosedRange<Int>) -> String {
        let length = lengths.lowerBound + Int(next() % UInt64(lengths.count))
        return String((0..<length).map { _ in Character(Unicode.Scalar(UInt8(97 + next() % 26))) })
    }
}
