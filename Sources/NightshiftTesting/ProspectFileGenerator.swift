import Foundation

/// A deterministic prospect file for testing deduplication and imports: `count` rows of
/// `id,first_name,last_name,email,company,domain,title,phone`, of which `duplicateRate` (rounded)
/// are further records of a person already in the file, and ``truth`` says which rows are one person.
/// The same `count`, rate and `seed` give the same file on every machine (SplitMix64, no system
/// randomness).
///
/// The duplicates are a realistic mix, spread through the file: Gmail variants of one address
/// (dots, `+tag`, `googlemail.com`), an address in another case, a name with one typo (a letter
/// replaced, swapped, dropped or doubled, or its diacritics lost) at the same company under a
/// different work address (`jsmith@` beside `john.smith@`), and one address with the company
/// written another way ("Acme Inc." beside "ACME"). Every duplicate carries what a rule needs to
/// find it, an identity key or a similar name within one company; the ones nothing could find (a
/// private address beside a work one) are left out, so recall measures the finder.
///
/// What must stay apart is there too: popular names (so comparing everyone with everyone would
/// drown in look-alikes), the same full name at two companies, companies of thousands of people,
/// and free-mail users at no company. Distinct people at one company never have names a
/// whole-name rule could confuse (Jaro–Winkler 0.86 or more between full names): no finder that
/// compares names could tell those apart, and the data would test itself rather than the finder.
/// A company takes people until the names for it run out (about 3,000 with these lists).
///
/// ```swift
/// let file = ProspectFileGenerator(count: 20_000)
/// try file.write(to: "/tmp/prospects.csv")
/// file.truth  // [[17, 4_512], [30, 9_877, 15_001], …]
/// ```
public struct ProspectFileGenerator: Sendable {
    /// One data row, as the file holds it.
    public struct Row: Sendable, Hashable {
        /// `P0000001` for the first row: unique per row, duplicates included.
        public var id: String
        /// The first name as written, maybe with a typo, in capitals, or without its diacritics.
        public var firstName: String
        /// The last name as written.
        public var lastName: String
        /// The address as written (case and Gmail spelling vary between a person's rows).
        public var email: String
        /// The company as written ("Acme Inc.", "ACME"); empty for free-mail users at no company.
        public var company: String
        /// The company's web domain; empty for free-mail users and where the source lacked it.
        public var domain: String
        /// A job title, maybe empty; some hold a comma or quotes.
        public var title: String
        /// A phone number in the company's country style, maybe empty.
        public var phone: String
    }

    /// The file's header line.
    public static let header = "id,first_name,last_name,email,company,domain,title,phone"

    /// How many data rows the file has.
    public let count: Int
    /// The share of rows that repeat a person, as asked for (clamped to 0…0.5).
    public let duplicateRate: Double
    /// The seed the whole file follows from.
    public let seed: UInt64
    /// The rows (0-based data-row indices) that are one person, for every person with two or more
    /// rows: each group ascending, groups ordered by their first row.
    public let truth: [[Int]]

    private let plan: Plan

    /// Plans a file of `count` rows (a million take about five seconds in a release build); the
    /// rows themselves are rendered when asked for.
    public init(count: Int, duplicateRate: Double = 0.05, seed: UInt64 = 42) {
        self.count = max(0, count)
        self.duplicateRate = min(max(duplicateRate, 0), 0.5)
        self.seed = seed
        var planner = Planner(count: self.count, duplicateRate: self.duplicateRate, seed: seed)
        plan = planner.plan()
        truth = planner.truth
    }

    /// Data row `index` (0-based).
    public func row(_ index: Int) -> Row {
        plan.render(index)
    }

    /// All data rows, in file order.
    public func rows() -> [Row] {
        (0..<count).map(plan.render)
    }

    /// The whole file, header first, lines ending in CRLF (RFC 4180).
    public func csv() -> String {
        var text = ""
        text.reserveCapacity(count * 110)
        text += Self.header + "\r\n"
        for index in 0..<count { Self.appendLine(plan.render(index), to: &text) }
        return text
    }

    /// Writes the file to `path` a megabyte at a time, never holding it whole (a million rows is
    /// about 100 MB).
    public func write(to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var chunk = Self.header + "\r\n"
        for index in 0..<count {
            Self.appendLine(plan.render(index), to: &chunk)
            if chunk.utf8.count >= 1 << 20 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
    }

    /// Appends `row` as one CSV line.
    static func appendLine(_ row: Row, to text: inout String) {
        let cells = [row.id, row.firstName, row.lastName, row.email, row.company, row.domain, row.title, row.phone]
        for (index, cell) in cells.enumerated() {
            if index > 0 { text += "," }
            text += quoted(cell)
        }
        text += "\r\n"
    }

    /// `cell` quoted as RFC 4180 wants when it holds a comma, a quote or a line break.
    static func quoted(_ cell: String) -> String {
        guard cell.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

// MARK: - The plan: every row as a few numbers, rendered to text on demand

extension ProspectFileGenerator {
    /// A company: its name without and with its legal form, its domain, country and address format.
    struct Company: Sendable {
        var core: String
        var legalForm: String
        var domain: String
        var country: Int
        var format: Int

        var name: String { legalForm.isEmpty ? core : core + " " + legalForm }
    }

    /// How a row's name differs from the person's.
    enum NameChange: UInt8, Sendable {
        case none, substitution, transposition, omission, doubling, diacriticsLost, upperCase
    }

    /// How a row's address differs from the person's base address.
    enum AddressChange: UInt8, Sendable {
        case none, letterCase, gmailDots, gmailTag, googlemail, gmailDotsAndTag
    }

    /// One row as numbers: the person's names and mailbox, and how this row writes them.
    struct RowSpec: Sendable {
        var first: UInt16
        var last: UInt16
        var company: Int32 = -1
        /// 0 the canonical name, 1…6 another way of writing it, 255 blank.
        var companyForm: UInt8 = 0
        var showsDomain = true
        /// An index into the company formats, or (with a provider) the free-mail formats.
        var mailFormat: UInt8 = 0
        var mailNumber: UInt16 = 0
        /// -1 for the company's domain, else an index into the free-mail providers.
        var provider: Int16 = -1
        var addressChange = AddressChange.none
        var nameChange = NameChange.none
        var changeInLastName = false
        var changePosition: UInt8 = 0
        var changeLetter: UInt8 = 0
        var variantSeed: UInt32 = 0
        /// An index into the titles, 255 for none.
        var title: UInt8 = 255
        /// The phone's digits seed, 0 for none.
        var phone: UInt64 = 0
    }

    /// Everything needed to render any row.
    struct Plan: Sendable {
        var companies: [Company]
        var rows: [RowSpec]

        /// Row `index` as text.
        func render(_ index: Int) -> Row {
            let spec = rows[index]
            let names = NameLists.shared
            let company = spec.company >= 0 ? companies[Int(spec.company)] : nil
            var first = names.first[Int(spec.first)], last = names.last[Int(spec.last)]
            if spec.changeInLastName { last = Variants.changedName(last, spec) } else { first = Variants.changedName(first, spec) }
            return Row(
                id: Variants.rowID(index),
                firstName: first,
                lastName: last,
                email: Variants.address(spec, company: company),
                company: company.map { Variants.companyName($0, form: spec.companyForm) } ?? "",
                domain: spec.showsDomain ? company?.domain ?? "" : "",
                title: spec.title == 255 ? "" : Words.titles[Int(spec.title)],
                phone: Variants.phone(spec.phone, country: company?.country ?? Int(spec.phone % UInt64(Words.countries.count)))
            )
        }
    }
}

// MARK: - Random numbers

extension ProspectFileGenerator {
    /// ``SeededGenerator`` (SplitMix64): small, fast, and the same sequence everywhere for a seed.
    struct SplitMix64: Sendable {
        var generator: SeededGenerator

        init(state: UInt64) {
            generator = SeededGenerator(seed: state)
        }

        mutating func next() -> UInt64 { generator.next() }

        /// A number in `0..<bound` (bound > 0).
        mutating func below(_ bound: Int) -> Int {
            Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
        }

        /// A number in `range`.
        mutating func within(_ range: ClosedRange<Int>) -> Int {
            range.lowerBound + below(range.count)
        }

        /// True with probability `p`.
        mutating func chance(_ p: Double) -> Bool {
            Double(next() >> 11) * 0x1p-53 < p
        }

        /// An index drawn with the given cumulative weights.
        mutating func weighted(_ cumulative: [Double]) -> Int {
            let target = Double(next() >> 11) * 0x1p-53 * (cumulative.last ?? 0)
            var low = 0, high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] <= target { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }
}

// MARK: - Names

extension ProspectFileGenerator {
    /// The embedded first and last names (roughly in order of popularity within each origin),
    /// their ASCII forms for addresses, their popularity weights, and which names are close enough
    /// to be confused.
    struct NameLists: Sendable {
        static let shared = NameLists()

        let first: [String]
        let last: [String]
        let firstASCII: [String]
        let lastASCII: [String]
        /// Cumulative weights, 1 / (rank + 10): a few names are very common.
        let firstWeights: [Double]
        let lastWeights: [Double]
        /// Per first name, the first names (itself included) within two edits of it.
        let firstNear: [[UInt16]]
        /// Per last name, the last names (itself included) within two edits of it.
        let lastNear: [[UInt16]]

        init() {
            first = Self.uniqued(Self.firstNames)
            last = Self.uniqued(Self.lastNames)
            firstASCII = first.map(Self.ascii)
            lastASCII = last.map(Self.ascii)
            firstWeights = Self.cumulativeWeights(first.count)
            lastWeights = Self.cumulativeWeights(last.count)
            firstNear = Self.nearLists(firstASCII)
            lastNear = Self.nearLists(lastASCII)
        }

        /// The lower-case ASCII full name, "first last", that colleagues' names are compared in.
        func fullName(_ first: UInt16, _ last: UInt16) -> [UInt8] {
            Array(firstASCII[Int(first)].utf8) + [0x20] + Array(lastASCII[Int(last)].utf8)
        }

        /// Per name, the indices of the names within two edits of it. An edit changes which
        /// letters a name holds by at most two, so names whose letter sets differ by more than
        /// four are skipped without working out the distance.
        static func nearLists(_ names: [String]) -> [[UInt16]] {
            let units = names.map { Array($0.utf8) }
            let letters = units.map(Colleagues.letters)
            return units.indices.map { name in
                units.indices.filter { other in
                    (letters[name] ^ letters[other]).nonzeroBitCount <= 4 && withinTwoEdits(units[name], units[other])
                }.map { UInt16($0) }
            }
        }

        static func uniqued(_ names: [String]) -> [String] {
            var seen = Set<String>()
            return names.filter { seen.insert($0).inserted }
        }

        static func cumulativeWeights(_ count: Int) -> [Double] {
            var total = 0.0
            return (0..<count).map { rank in
                total += 1 / Double(rank + 10)
                return total
            }
        }

        /// `name` in lower-case ASCII letters only, for an address: "Łukasz" → "lukasz",
        /// "O'Brien" → "obrien", "van der Berg" → "vanderberg".
        static func ascii(_ name: String) -> String {
            var result = ""
            for scalar in name.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
                switch scalar {
                case "a"..."z": result.unicodeScalars.append(scalar)
                case "ł": result += "l"
                case "ø": result += "o"
                case "ß": result += "ss"
                case "ı": result += "i"
                case "æ": result += "ae"
                default: continue
                }
            }
            return result
        }

        /// Whether the optimal-string-alignment distance of `a` and `b` (edits, adjacent swaps
        /// counting one) is at most 2.
        static func withinTwoEdits(_ a: [UInt8], _ b: [UInt8]) -> Bool {
            abs(a.count - b.count) <= 2 && editDistance(a, b) <= 2
        }

        /// The optimal-string-alignment distance of `a` and `b`.
        static func editDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
            if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
            var twoBack = [Int](repeating: 0, count: b.count + 1)
            var previous = Array(0...b.count)
            var current = [Int](repeating: 0, count: b.count + 1)
            for i in 1...a.count {
                current[0] = i
                for j in 1...b.count {
                    current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                    if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { current[j] = min(current[j], twoBack[j - 2] + 1) }
                }
                (twoBack, previous, current) = (previous, current, twoBack)
            }
            return previous[b.count]
        }

        static let firstNames = [
            "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
            "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
            "Christopher", "Nancy", "Daniel", "Lisa", "Matthew", "Betty", "Anthony", "Margaret", "Mark", "Sandra",
            "Donald", "Ashley", "Steven", "Kimberly", "Paul", "Emily", "Andrew", "Donna", "Joshua", "Michelle",
            "Kenneth", "Dorothy", "Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Edward", "Deborah",
            "Ronald", "Stephanie", "Timothy", "Rebecca", "Jason", "Sharon", "Jeffrey", "Laura", "Ryan", "Cynthia",
            "Jacob", "Kathleen", "Gary", "Amy", "Nicholas", "Shirley", "Eric", "Angela", "Jonathan", "Helen",
            "Stephen", "Anna", "Larry", "Brenda", "Justin", "Pamela", "Scott", "Nicole", "Brandon", "Emma",
            "Benjamin", "Samantha", "Samuel", "Katherine", "Gregory", "Christine", "Frank", "Debra", "Alexander",
            "Rachel", "Raymond", "Catherine", "Patrick", "Carolyn", "Jack", "Janet", "Dennis", "Ruth", "Jerry",
            "Maria", "Tyler", "Heather", "Aaron", "Diane", "José", "Virginia", "Adam", "Julie", "Henry", "Joyce",
            "Nathan", "Victoria", "Douglas", "Olivia", "Zachary", "Kelly", "Peter", "Christina", "Kyle", "Lauren",
            "Walter", "Joan", "Ethan", "Evelyn", "Jeremy", "Judith", "Harold", "Megan", "Keith", "Cheryl",
            "Christian", "Andrea", "Roger", "Hannah", "Noah", "Martha", "Gerald", "Jacqueline", "Carl", "Frances",
            "Terry", "Gloria", "Sean", "Ann", "Austin", "Teresa", "Arthur", "Kathryn", "Lawrence", "Sara", "Jesse",
            "Janice", "Dylan", "Jean", "Bryan", "Alice", "Joe", "Madison", "Jordan", "Doris", "Billy", "Abigail",
            "Bruce", "Julia", "Albert", "Judy", "Willie", "Grace", "Gabriel", "Denise", "Logan", "Amber", "Alan",
            "Marilyn", "Juan", "Beverly", "Wayne", "Danielle", "Roy", "Theresa", "Ralph", "Sophia", "Randy", "Marie",
            "Eugene", "Diana", "Vincent", "Brittany", "Russell", "Natalie", "Elijah", "Isabella", "Louis",
            "Charlotte", "Bobby", "Rose", "Philip", "Alexis", "Johnny", "Kayla", "Zoë", "Łukasz", "Søren", "Björn",
            "François", "Renée", "Chloé", "Inés", "Jürgen", "Małgorzata", "Sébastien", "Ángel", "Agnieszka",
            "Piotr", "Krzysztof", "Katarzyna", "Tomasz", "Paweł", "Michał", "Wojciech", "Ewa", "Zofia", "Jan",
            "Hans", "Klaus", "Stefan", "Wolfgang", "Uwe", "Dieter", "Günter", "Jörg", "Heike", "Ute", "Sabine",
            "Birgit", "Anja", "Katrin", "Lena", "Lukas", "Leon", "Felix", "Maximilian", "Jonas", "Niklas", "Mia",
            "Amélie", "Léa", "Camille", "Théo", "Hugo", "Mathéo", "Élodie", "Aurélie", "Stéphane", "Frédéric",
            "Jérôme", "Hélène", "Céline", "Gaëlle", "Noémie", "Joël", "Raphaël", "Anaïs", "Mireille", "Pablo",
            "Javier", "Alejandro", "Sergio", "Raúl", "Álvaro", "Andrés", "Jesús", "Lucía", "Sofía", "Martina",
            "Valentina", "Camila", "Paula", "Carmen", "Dolores", "Pilar", "Nuria", "Rocío", "Begoña", "Iñaki",
            "Joaquín", "Ramón", "Tomás", "Matías", "Nicolás", "Sebastián", "Agustín", "Giulia", "Francesca",
            "Chiara", "Alessandro", "Giuseppe", "Giovanni", "Lorenzo", "Matteo", "Niccolò", "Luca", "Marco", "Paolo",
            "Federico", "Elena", "Silvia", "Alessia", "Sven", "Lars", "Nils", "Erik", "Anders", "Magnus", "Ingrid",
            "Astrid", "Sigrid", "Åsa", "Märta", "Linnéa", "Mikael", "Henrik", "Jukka", "Mikko", "Päivi", "Sanna",
            "Aino", "Ahmet", "Mehmet", "Ayşe", "Fatma", "Emre", "Özge", "Çağla", "Burak", "Elif", "Zeynep",
            "İbrahim", "Mustafa", "Hiroshi", "Yuki", "Haruto", "Sakura", "Kenji", "Akiko", "Takeshi", "Wei", "Jing",
            "Xin", "Priya", "Rahul", "Amit", "Anjali", "Sanjay", "Deepak", "Pooja", "Vikram", "Neha", "Arjun",
            "Kavya", "Rohan", "Ananya", "Olga", "Ivan", "Dmitri", "Sergei", "Natalia", "Tatiana", "Anastasia",
            "Mikhail", "Alexei", "Yulia", "Irina", "Oksana", "Bogdan", "Dragan", "Milan", "Ivana", "Jelena", "Nikola",
            "Tomáš", "Jiří", "Petra", "Lucie", "Zuzana", "Ondřej", "Kateřina", "Dávid", "Zsófia", "Bence", "Réka",
            "Ioana", "Andrei", "Mihai", "Sorin", "Kwame", "Chinedu", "Ngozi", "Oluwaseun", "Aisha", "Fatima", "Omar",
            "Yusuf", "Layla", "Noor", "Tariq", "Siobhán", "Seán", "Niamh", "Aoife", "Ciarán", "Oisín", "Eoin",
            "Róisín", "Marie-Claire", "Jean-Luc", "Ana María",
        ]

        static let lastNames = [
            "Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Miller", "Davis", "Rodríguez", "Martínez",
            "Hernández", "López", "González", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
            "Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramírez", "Lewis", "Robinson",
            "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green",
            "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gómez",
            "Phillips", "Evans", "Turner", "Díaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes", "Stewart",
            "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutiérrez", "Ortiz", "Morgan", "Cooper", "Peterson",
            "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson", "Watson", "Brooks",
            "Chávez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price", "Álvarez",
            "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jiménez", "Powell", "Jenkins",
            "Perry", "Russell", "Sullivan", "Bell", "Coleman", "Butler", "Henderson", "Barnes", "Fisher", "Vásquez",
            "Simmons", "Romero", "Jordan", "Patterson", "Alexander", "Hamilton", "Graham", "Reynolds", "Griffin",
            "Wallace", "Moreno", "West", "Cole", "Hayes", "Bryant", "Herrera", "Gibson", "Ellis", "Tran", "Medina",
            "Aguilar", "Stevens", "Murray", "Ford", "Castro", "Marshall", "Owens", "Harrison", "Fernández",
            "McDonald", "Woods", "Washington", "Kennedy", "Wells", "Vargas", "Henry", "Chen", "Freeman", "Webb",
            "Tucker", "Guzmán", "Burns", "Crawford", "Olson", "Simpson", "Porter", "Hunter", "Gordon", "Silva",
            "Shaw", "Snyder", "Mason", "Dixon", "Muñoz", "Hunt", "Hicks", "Holmes", "Palmer", "Wagner", "Black",
            "Robertson", "Boyd", "Rose", "Stone", "Salazar", "Fox", "Warren", "Mills", "Meyer", "Rice", "Schmidt",
            "Garza", "Daniels", "Ferguson", "Nichols", "Stephens", "Soto", "Weaver", "Ryan", "Gardner", "Payne",
            "Grant", "Dunn", "Spencer", "Hawkins", "Arnold", "Pierce", "Hansen", "Peters", "Santos", "Hart",
            "Bradley", "Knight", "Elliott", "Cunningham", "Duncan", "Armstrong", "Hudson", "Carroll", "Lane", "Riley",
            "Andrews", "Alvarado", "Ray", "Delgado", "Berry", "Perkins", "Hoffman", "Johnston", "Matthews", "Peña",
            "Richards", "Contreras", "Willis", "Carpenter", "Lawrence", "Sandoval", "Müller", "Schneider", "Fischer",
            "Weber", "Becker", "Schulz", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder",
            "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause",
            "Lehmann", "Köhler", "Herrmann", "König", "Huber", "Kaiser", "Fuchs", "Scholz", "Möller", "Weiß",
            "Jung", "Hahn", "Schubert", "Vogel", "Friedrich", "Keller", "Günther", "Berger", "Winkler", "Roth",
            "Lorenz", "Baumann", "Albrecht", "Schuster", "Ludwig", "Böhm", "Winter", "Schumacher", "Krämer", "Vogt",
            "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt", "Haas", "Schreiber", "Ziegler",
            "Kuhn", "Pohl", "Engel", "Horn", "Busch", "Bergmann", "Pfeiffer", "Bernard", "Dubois", "Petit",
            "Durand", "Leroy", "Moreau", "Laurent", "Lefèvre", "Michel", "Bertrand", "Roux", "Fournier", "Girard",
            "André", "Mercier", "Dupont", "Lambert", "Bonnet", "Gauthier", "Chevalier", "Rousseau", "Blanchard",
            "Guérin", "Faure", "Boyer", "Lemaire", "Ménard", "Hébert", "Côté", "Bélanger", "Lévesque", "Pelletier",
            "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
            "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
            "Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król", "Wieczorek", "Jabłoński", "Wróbel",
            "Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
            "Gustafsson", "Jensen", "Nielsen", "Pedersen", "Christensen", "Sørensen", "Rasmussen", "Jørgensen",
            "Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Hämäläinen", "Heikkinen", "Koskinen", "Järvinen",
            "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
            "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
            "Navarro", "Domínguez", "Serrano", "Blanco", "Molina", "Suárez", "Ortega", "Rubio", "Marín", "Iglesias",
            "Núñez", "Garrido", "Cortés", "Oliveira", "Souza", "Pereira", "Ferreira", "Almeida", "Carvalho",
            "Gonçalves", "Ribeiro", "Araújo", "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk",
            "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Wang", "Zhang", "Liu", "Yang", "Huang", "Zhao", "Zhou",
            "Sun", "Zhu", "Guo", "Lin", "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Yamamoto", "Nakamura",
            "Kobayashi", "Park", "Choi", "Kang", "Yoon", "Sharma", "Singh", "Kumar", "Gupta", "Shah", "Mehta", "Iyer",
            "Reddy", "Nair", "Chatterjee", "Banerjee", "Mukherjee", "Joshi", "Desai", "Kapoor", "Malhotra", "Ivanov",
            "Smirnov", "Kuznetsov", "Popov", "Vasiliev", "Petrov", "Sokolov", "Mikhailov", "Novikov", "Fedorov",
            "Morozov", "Volkov", "Kovalenko", "Bondarenko", "Shevchenko", "Kovač", "Horvat", "Novák", "Dvořák",
            "Černý", "Procházka", "Svoboda", "Novotný", "Kučera", "Nagy", "Kovács", "Tóth", "Szabó", "Horváth",
            "Varga", "Popescu", "Ionescu", "O'Brien", "O'Connor", "O'Sullivan", "McCarthy", "Byrne", "Walsh",
            "O'Neill", "Doyle", "Quinn", "Fitzgerald", "MacLeod", "MacDonald", "Fraser", "Okafor", "Mensah",
            "Adeyemi", "Nwosu", "Abdullah", "Hassan", "Khan", "Rahman", "Haddad", "Cohen", "Friedman", "Katz",
            "van der Berg", "de Vries", "Jansen", "de Jong", "Bakker", "Visser", "Meijer", "de Boer", "Mulder",
            "Dijkstra", "van Dijk",
        ]
    }
}

// MARK: - Colleagues

extension ProspectFileGenerator {
    /// The people of one company so far, by first and by last name, to keep a new name from being
    /// confusable with a colleague's: a Jaro–Winkler similarity of 0.86 or more between the
    /// lower-case ASCII full names (below the finder's 0.92, so that a typo in one name does not
    /// make it look like a colleague's either). Only colleagues whose first or last name is within
    /// two edits of the new one's are compared: others are never that similar.
    struct Colleagues {
        static let confusableSimilarity = 0.86

        private var fullNames: [[UInt8]] = []
        private var letters: [UInt32] = []
        private var byFirst: [UInt16: [Int32]] = [:]
        private var byLast: [UInt16: [Int32]] = [:]

        /// Counts a new colleague.
        mutating func add(_ first: UInt16, _ last: UInt16, names: NameLists) {
            let index = Int32(fullNames.count)
            let name = names.fullName(first, last)
            fullNames.append(name)
            letters.append(Self.letters(name))
            byFirst[first, default: []].append(index)
            byLast[last, default: []].append(index)
        }

        /// Whether `first last` could be confused with a colleague's name.
        func confusable(_ first: UInt16, _ last: UInt16, names: NameLists) -> Bool {
            let candidate = names.fullName(first, last), candidateLetters = Self.letters(candidate)
            func near(_ colleagues: [Int32]?) -> Bool {
                colleagues?.contains { colleague in
                    let other = fullNames[Int(colleague)], otherLetters = letters[Int(colleague)]
                    // Letters only one name has cannot match: when even the rest matching in
                    // order falls short, skip the full comparison.
                    let matches = min(
                        candidate.count - (candidateLetters & ~otherLetters).nonzeroBitCount,
                        other.count - (otherLetters & ~candidateLetters).nonzeroBitCount
                    )
                    let jaroBound = (Double(matches) / Double(candidate.count) + Double(matches) / Double(other.count) + 1) / 3
                    guard jaroBound + 0.4 * (1 - jaroBound) >= Self.confusableSimilarity else { return false }
                    return Self.jaroWinkler(candidate, other) >= Self.confusableSimilarity
                } ?? false
            }
            return names.firstNear[Int(first)].contains { near(byFirst[$0]) } || names.lastNear[Int(last)].contains { near(byLast[$0]) }
        }

        /// One bit per letter a–z the name holds, bit 26 for anything else.
        static func letters(_ name: [UInt8]) -> UInt32 {
            name.reduce(0) { $0 | (($1 >= 97 && $1 <= 122) ? 1 << UInt32($1 - 97) : 1 << 26) }
        }

        /// Jaro–Winkler similarity (prefix scale 0.1, up to 4) of two byte strings of at most 64
        /// bytes; the generator's own, so its data does not lean on the code it tests. Plain loops,
        /// as tests run it unoptimised.
        static func jaroWinkler(_ a: [UInt8], _ b: [UInt8]) -> Double {
            let countA = min(a.count, 64), countB = min(b.count, 64)
            guard countA > 0, countB > 0 else { return countA == countB ? 1 : 0 }
            let window = max(0, max(countA, countB) / 2 - 1)
            var usedA: UInt64 = 0, usedB: UInt64 = 0, matches = 0
            var i = 0
            while i < countA {
                var j = max(0, i - window)
                let end = min(countB, i + window + 1)
                while j < end {
                    if usedB & (1 << UInt64(j)) == 0 && a[i] == b[j] {
                        usedA |= 1 << UInt64(i)
                        usedB |= 1 << UInt64(j)
                        matches += 1
                        break
                    }
                    j += 1
                }
                i += 1
            }
            guard matches > 0 else { return 0 }
            var outOfOrder = 0
            while usedA != 0 {
                if a[usedA.trailingZeroBitCount] != b[usedB.trailingZeroBitCount] { outOfOrder += 1 }
                usedA &= usedA - 1
                usedB &= usedB - 1
            }
            let m = Double(matches)
            let jaro = (m / Double(countA) + m / Double(countB) + (m - Double(outOfOrder) / 2) / m) / 3
            var prefix = 0
            while prefix < min(4, countA, countB) && a[prefix] == b[prefix] { prefix += 1 }
            return jaro + Double(prefix) * 0.1 * (1 - jaro)
        }
    }
}

// MARK: - Words

extension ProspectFileGenerator {
    /// A country companies are in: its domain ending, dialling code, phone groups and legal forms.
    struct Country: Sendable {
        var endings: [String]
        var dial: String
        var groups: [Int]
        var legalForms: [String]
        var weight: Double
    }

    /// The word lists companies, titles and addresses are made from.
    enum Words {
        static let countries = [
            Country(
                endings: [".com", ".com", ".com", ".io", ".co", ".ai", ".net"], dial: "+1", groups: [3, 3, 4],
                legalForms: ["Inc.", "LLC", "Corp.", ""], weight: 40
            ),
            Country(endings: [".co.uk", ".com"], dial: "+44", groups: [2, 4, 4], legalForms: ["Ltd", "PLC", "Limited", ""], weight: 12),
            Country(endings: [".de"], dial: "+49", groups: [2, 7], legalForms: ["GmbH", "AG", "GmbH & Co. KG"], weight: 12),
            Country(endings: [".fr"], dial: "+33", groups: [1, 2, 2, 2, 2], legalForms: ["SA", "SAS", "SARL"], weight: 8),
            Country(endings: [".es"], dial: "+34", groups: [3, 3, 3], legalForms: ["S.A.", ""], weight: 6),
            Country(endings: [".it"], dial: "+39", groups: [2, 4, 4], legalForms: ["S.p.A.", "S.r.l."], weight: 5),
            Country(endings: [".nl"], dial: "+31", groups: [2, 3, 4], legalForms: ["B.V.", "N.V."], weight: 5),
            Country(endings: [".se"], dial: "+46", groups: [2, 3, 2, 2], legalForms: ["AB"], weight: 4),
            Country(endings: [".pl"], dial: "+48", groups: [2, 3, 2, 2], legalForms: ["S.A.", ""], weight: 4),
            Country(endings: [".com.au"], dial: "+61", groups: [1, 4, 4], legalForms: ["Pty Ltd"], weight: 4),
        ]
        static let countryWeights = cumulative(countries.map(\.weight))

        static let companyWords = [
            "Blue", "North", "Silver", "Red", "Green", "Bright", "Clear", "Swift", "Iron", "Golden", "Summit",
            "Pioneer", "Atlas", "Apex", "Vertex", "Nova", "Orion", "Polar", "Cedar", "Maple", "Oak", "Pine", "River",
            "Harbor", "Stone", "Granite", "Crystal", "Solar", "Lunar", "Eagle", "Falcon", "Hawk", "Fox", "Wolf",
            "Bear", "Lion", "Tiger", "Delta", "Sigma", "Omega", "Alpha", "Prime", "Quantum", "Fusion", "Vector",
            "Pixel", "Cloud", "Signal", "Bridge", "Anchor", "Beacon", "Compass", "Horizon", "Meridian", "Zenith",
            "Pacific", "Atlantic", "Nordic", "Alpine", "Coastal", "Urban", "Metro", "Civic", "Liberty", "Heritage",
            "Evergreen", "Sterling", "Crown", "Royal", "Kepler", "Lumen", "Nimbus", "Aurora", "Boreal", "Cobalt",
            "Copper", "Amber", "Ivory", "Onyx", "Jade", "Ruby", "Sapphire", "Zürich", "Málaga", "Kraków", "Örebro",
        ]
        static let companyTrades = [
            "Labs", "Systems", "Analytics", "Logistics", "Dynamics", "Solutions", "Networks", "Software", "Robotics",
            "Capital", "Partners", "Health", "Foods", "Energy", "Media", "Ventures", "Industries", "Works", "Studio",
            "Digital", "Consulting", "Pharma", "Motors", "Telecom", "Security", "Retail", "Finance", "Insurance",
            "Textiles", "Materials", "Sciences", "Devices", "Engineering", "Construction", "Design", "Marketing",
            "Travel", "Mobility", "Payments", "Games", "Learning", "Legal", "Realty", "Shipping", "Supply", "Tools",
            "Water", "Aerospace", "Biotech", "Chemicals", "Electric", "Optics", "Audio", "Brands", "Group",
        ]

        static let titles = [
            "CEO", "CTO", "CFO", "COO", "VP of Sales", "VP Engineering", "Head of Marketing", "Director of Operations",
            "Sales Manager", "Account Executive", "Senior Account Executive", "Software Engineer",
            "Senior Software Engineer", "Product Manager", "Marketing Manager", "HR Manager", "Recruiter",
            "Office Manager", "Data Analyst", "Data Scientist", "Operations Manager", "Procurement Manager",
            "Purchasing Agent", "IT Manager", "Head of IT", "Customer Success Manager",
            "Business Development Representative", "Sales Development Representative", "General Counsel",
            "Controller", "Chief Marketing Officer", "Founder", "Co-Founder", "Managing Director", "Partner",
            "Consultant", "Project Manager", "Engineering Manager", "Designer", "UX Researcher", "Head of People",
            "Finance Director", "Supply Chain Manager", "Logistics Coordinator", "Executive Assistant",
            "Director, Strategic Accounts", "VP, Finance", "Sales & Marketing Lead", "\"Chief\" Happiness Officer",
        ]

        /// Free-mail providers: domain and weight; Gmail first.
        static let providers: [(domain: String, weight: Double)] = [
            ("gmail.com", 45), ("yahoo.com", 8), ("hotmail.com", 7), ("outlook.com", 7), ("icloud.com", 5),
            ("gmx.de", 4), ("web.de", 3), ("yahoo.co.uk", 2), ("hotmail.fr", 2), ("aol.com", 2),
            ("protonmail.com", 2), ("mail.ru", 2), ("yandex.ru", 1), ("orange.fr", 2), ("libero.it", 2),
            ("live.com", 2), ("me.com", 1), ("fastmail.com", 1), ("wp.pl", 1), ("qq.com", 1),
        ]
        static let providerWeights = cumulative(providers.map(\.weight))
        static let tags = ["news", "crm", "work", "sales", "shop", "2024", "linkedin", "events", "promo", "lists"]

        /// Work-address formats: first.last, flast, first, firstl, first_last, lastf, f.last.
        static let companyFormatWeights = cumulative([45, 20, 8, 8, 6, 7, 6])
        /// Free-mail formats: first.last, firstlast, first.lastNN, f.last, first_last, lastfirst,
        /// firstYYYY, firstlNN.
        static let freeFormatWeights = cumulative([25, 20, 15, 8, 7, 5, 12, 8])

        static let keyboardNeighbours: [Character: String] = [
            "a": "qwsz", "b": "vghn", "c": "xdfv", "d": "serfcx", "e": "wsdr", "f": "drtgvc", "g": "ftyhbv",
            "h": "gyujnb", "i": "ujko", "j": "huikmn", "k": "jiolm", "l": "kop", "m": "njk", "n": "bhjm", "o": "iklp",
            "p": "ol", "q": "wa", "r": "edft", "s": "awedxz", "t": "rfgy", "u": "yhji", "v": "cfgb", "w": "qase",
            "x": "zsdc", "y": "tghu", "z": "asx",
        ]

        static func cumulative(_ weights: [Double]) -> [Double] {
            var total = 0.0
            return weights.map { total += $0; return total }
        }
    }
}

// MARK: - Rendering

extension ProspectFileGenerator {
    /// Turns a row's numbers into its text.
    enum Variants {
        /// `P0000001` for row 0.
        static func rowID(_ index: Int) -> String {
            let digits = String(index + 1)
            return "P" + String(repeating: "0", count: max(0, 7 - digits.count)) + digits
        }

        /// `name` as this row writes it.
        static func changedName(_ name: String, _ spec: RowSpec) -> String {
            var letters = Array(name)
            let position = Int(spec.changePosition)
            switch spec.nameChange {
            case .none: return name
            case .upperCase: return name.uppercased()
            case .diacriticsLost: return withoutDiacritics(name)
            case .substitution:
                let letter = Character(Unicode.Scalar(spec.changeLetter))
                letters[position] = letters[position].isUppercase ? Character(letter.uppercased()) : letter
            case .transposition: letters.swapAt(position, position + 1)
            case .omission: letters.remove(at: position)
            case .doubling: letters.insert(letters[position], at: position)
            }
            return String(letters)
        }

        /// `name` with its accents dropped and its special letters spelt in ASCII, case kept.
        static func withoutDiacritics(_ name: String) -> String {
            var result = ""
            for scalar in name.decomposedStringWithCanonicalMapping.unicodeScalars {
                switch scalar {
                case "\u{300}"..."\u{36F}": continue
                case "ł": result += "l"
                case "Ł": result += "L"
                case "ø": result += "o"
                case "ı": result += "i"
                case "ß": result += "ss"
                default: result.unicodeScalars.append(scalar)
                }
            }
            return result
        }

        /// The local part of an address in `format` for the names' ASCII forms.
        static func localPart(format: Int, free: Bool, first: String, last: String, number: UInt16) -> String {
            let f = first, l = last, fi = String(first.prefix(1)), li = String(last.prefix(1))
            let body: String
            if free {
                body = [f + "." + l, f + l, f + "." + l, fi + "." + l, f + "_" + l, l + f, f, f + li][format]
            } else {
                body = [f + "." + l, fi + l, f, f + li, f + "_" + l, l + fi, fi + "." + l][format]
            }
            return number > 0 ? body + String(number) : body
        }

        /// The row's address as written: its base address with its change applied.
        static func address(_ spec: RowSpec, company: Company?) -> String {
            let names = NameLists.shared
            let local = localPart(
                format: Int(spec.mailFormat), free: spec.provider >= 0, first: names.firstASCII[Int(spec.first)],
                last: names.lastASCII[Int(spec.last)], number: spec.mailNumber
            )
            let domain = spec.provider >= 0 ? Words.providers[Int(spec.provider)].domain : company?.domain ?? "example.com"
            return changedAddress(local: local, domain: domain, change: spec.addressChange, seed: spec.variantSeed)
        }

        /// `local@domain` with `change` applied, its details drawn from `seed`.
        static func changedAddress(local: String, domain: String, change: AddressChange, seed: UInt32) -> String {
            var random = SplitMix64(state: UInt64(seed))
            switch change {
            case .none: return local + "@" + domain
            case .letterCase:
                if random.chance(0.5) { return (local + "@" + domain).uppercased() }
                return local.split(separator: ".", omittingEmptySubsequences: false).map { $0.prefix(1).uppercased() + $0.dropFirst() }
                    .joined(separator: ".") + "@" + domain.prefix(1).uppercased() + domain.dropFirst()
            case .gmailDots: return movedDots(local, &random) + "@gmail.com"
            case .gmailTag: return local + "+" + Words.tags[random.below(Words.tags.count)] + "@gmail.com"
            case .googlemail: return local + "@googlemail.com"
            case .gmailDotsAndTag: return movedDots(local, &random) + "+" + Words.tags[random.below(Words.tags.count)] + "@gmail.com"
            }
        }

        /// `local` with its dots removed, or, when it has none, a dot put inside it.
        static func movedDots(_ local: String, _ random: inout SplitMix64) -> String {
            if local.contains(".") { return local.filter { $0 != "." } }
            let cut = local.index(local.startIndex, offsetBy: 1 + random.below(max(1, local.count - 1)))
            return local[..<cut] + "." + local[cut...]
        }

        /// The company's name written in `form` (0 canonical, 255 blank).
        static func companyName(_ company: Company, form: UInt8) -> String {
            let long = ["Inc.": "Incorporated", "Ltd": "Limited", "Corp.": "Corporation", "LLC": "L.L.C.", "AG": "A.G."]
            switch form {
            case 255: return ""
            case 1: return company.core
            case 2: return company.name.uppercased()
            case 3: return company.legalForm.isEmpty ? "The " + company.core : company.core + ", " + company.legalForm
            case 4: return "The " + company.name
            case 5: return company.core.lowercased()
            case 6: return long[company.legalForm].map { company.core + " " + $0 } ?? company.core.uppercased()
            default: return company.name
            }
        }

        /// A phone number in the country's style from `seed`; empty for 0.
        static func phone(_ seed: UInt64, country: Int) -> String {
            guard seed != 0 else { return "" }
            var random = SplitMix64(state: seed)
            let style = Words.countries[country]
            var text = style.dial
            for (index, size) in style.groups.enumerated() {
                text += " "
                for digit in 0..<size { text += String(index == 0 && digit == 0 ? random.within(2...9) : random.below(10)) }
            }
            return text
        }
    }
}

// MARK: - Planning

extension ProspectFileGenerator {
    /// Draws companies, people and duplicates, then shuffles the rows.
    struct Planner {
        let count: Int
        let duplicateRate: Double
        var random: SplitMix64
        let names = NameLists.shared
        var companies: [Company] = []
        var people: [RowSpec] = []
        private(set) var truth: [[Int]] = []
        private var companyKeys = Set<String>()
        private var domains = Set<String>()
        private var addresses = Set<UInt64>()

        init(count: Int, duplicateRate: Double, seed: UInt64) {
            self.count = count
            self.duplicateRate = duplicateRate
            random = SplitMix64(state: seed)
        }

        /// The whole plan: people at companies, free-mail people, duplicates, shuffled.
        mutating func plan() -> Plan {
            let duplicates = Int((Double(count) * duplicateRate).rounded())
            let persons = count - duplicates
            let freeMail = Int((Double(persons) * 0.25).rounded())
            for size in companySizes(total: persons - freeMail) {
                var remaining = size
                while remaining > 0 { remaining -= addCompany(size: remaining) }
            }
            for _ in 0..<freeMail { people.append(freeMailPerson()) }
            var rows = people, owners = Array(0..<Int32(people.count))
            for _ in 0..<duplicates where !people.isEmpty {
                let owner = random.below(people.count)
                rows.append(duplicate(of: people[owner]))
                owners.append(Int32(owner))
            }
            shuffle(&rows, &owners)
            truth = Self.groups(owners: owners)
            return Plan(companies: companies, rows: rows)
        }

        /// Company sizes adding up to `total`: a few giants (1/80, 1/160, 1/320 of the file, at
        /// most 3,000), then mostly small companies and some of hundreds or a couple of thousand.
        mutating func companySizes(total: Int) -> [Int] {
            var sizes = [count / 80, count / 160, count / 320].map { min($0, 3_000) }.filter { $0 >= 100 }
            var remaining = total - sizes.reduce(0, +)
            while remaining < 0, !sizes.isEmpty { remaining += sizes.removeFirst() }
            while remaining > 0 {
                let roll = random.below(100)
                let size = switch roll {
                case ..<55: random.within(1...5)
                case ..<85: random.within(6...40)
                case ..<97: random.within(41...300)
                default: random.within(301...2_000)
                }
                sizes.append(min(size, remaining))
                remaining -= min(size, remaining)
            }
            return sizes
        }

        /// A new company and up to `size` people, none with a name confusable with another's;
        /// returns how many it took (fewer when the names ran out).
        mutating func addCompany(size: Int) -> Int {
            let company = newCompany()
            let index = Int32(companies.count)
            companies.append(company)
            var colleagues = Colleagues()
            for placed in 0..<size {
                guard let (first, last) = employeeName(avoiding: colleagues) else { return placed }
                colleagues.add(first, last, names: names)
                var person = RowSpec(first: first, last: last, company: index)
                if random.chance(0.05) {
                    assignFreeMail(&person)
                } else {
                    person.mailFormat = UInt8(company.format)
                    person.mailNumber = uniqueNumber(person, domain: company.domain, startingAt: 0)
                }
                person.showsDomain = random.chance(0.92)
                person.companyForm = random.chance(0.03) ? 255 : 0
                person.title = random.chance(0.9) ? UInt8(random.below(Words.titles.count)) : 255
                person.phone = random.chance(0.85) ? random.next() | 1 : 0
                people.append(person)
            }
            return size
        }

        /// A company with a name and domain no other company has.
        mutating func newCompany() -> Company {
            while true {
                let country = random.weighted(Words.countryWeights)
                let style = Words.countries[country]
                var words = [Words.companyWords[random.below(Words.companyWords.count)]]
                if random.chance(0.5) { words.append(Words.companyWords[random.below(Words.companyWords.count)]) }
                words.append(Words.companyTrades[random.below(Words.companyTrades.count)])
                let key = words.map(NameLists.ascii).joined(separator: " ")
                guard Set(words).count == words.count, !companyKeys.contains(key) else { continue }
                let stem = words.dropLast(random.chance(0.6) ? 1 : 0).map(NameLists.ascii).joined()
                let domain = stem + style.endings[random.below(style.endings.count)]
                guard !domains.contains(domain) else { continue }
                companyKeys.insert(key)
                domains.insert(domain)
                return Company(
                    core: words.joined(separator: " "), legalForm: style.legalForms[random.below(style.legalForms.count)],
                    domain: domain, country: country, format: random.weighted(Words.companyFormatWeights)
                )
            }
        }

        /// A name for a new employee that no colleague's name could be confused with: popular
        /// names first, any name when those are used up, and now and then the name of someone at
        /// another company. Nil when 200 draws found none: the company is full.
        mutating func employeeName(avoiding colleagues: Colleagues) -> (UInt16, UInt16)? {
            if random.chance(0.02), !people.isEmpty {
                let namesake = people[random.below(people.count)]
                if !colleagues.confusable(namesake.first, namesake.last, names: names) { return (namesake.first, namesake.last) }
            }
            for attempt in 0..<200 {
                let (first, last) = attempt < 40 ? popularName() : (UInt16(random.below(names.first.count)), UInt16(random.below(names.last.count)))
                if !colleagues.confusable(first, last, names: names) { return (first, last) }
            }
            return nil
        }

        /// A first and last name drawn by popularity.
        mutating func popularName() -> (UInt16, UInt16) {
            (UInt16(random.weighted(names.firstWeights)), UInt16(random.weighted(names.lastWeights)))
        }

        /// A person at no company with a free-mail address.
        mutating func freeMailPerson() -> RowSpec {
            var (first, last) = popularName()
            if random.chance(0.03), !people.isEmpty {
                let namesake = people[random.below(people.count)]
                (first, last) = (namesake.first, namesake.last)
            }
            var person = RowSpec(first: first, last: last)
            assignFreeMail(&person)
            person.showsDomain = false
            person.title = random.chance(0.2) ? UInt8(random.below(Words.titles.count)) : 255
            person.phone = random.chance(0.7) ? random.next() | 1 : 0
            return person
        }

        /// Gives `person` a free-mail address no one else has.
        mutating func assignFreeMail(_ person: inout RowSpec) {
            person.provider = Int16(random.weighted(Words.providerWeights))
            let format = random.weighted(Words.freeFormatWeights)
            person.mailFormat = UInt8(format)
            let start = format == 2 || format == 7 ? random.within(10...99) : format == 6 ? random.within(1960...2005) : 0
            person.mailNumber = uniqueNumber(person, domain: Words.providers[Int(person.provider)].domain, startingAt: start)
        }

        /// The first number from `start` (0 for none, then 2, 3, …) that makes the person's
        /// address one no one has, by identity key; records it as taken.
        mutating func uniqueNumber(_ person: RowSpec, domain: String, startingAt start: Int) -> UInt16 {
            var number = start
            while true {
                let local = Variants.localPart(
                    format: Int(person.mailFormat), free: person.provider >= 0, first: names.firstASCII[Int(person.first)],
                    last: names.lastASCII[Int(person.last)], number: UInt16(number)
                )
                let key = domain == "gmail.com" ? local.filter { $0 != "." } + "@gmail.com" : local + "@" + domain
                if addresses.insert(Self.hash(key)).inserted { return UInt16(number) }
                number = number == 0 ? 2 : number + 1
            }
        }

        /// FNV-1a of `text`: two addresses with one hash only cost an unneeded number.
        static func hash(_ text: String) -> UInt64 {
            text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
        }

        /// Another row for the person `base`: a Gmail variant or another case for a free-mail
        /// address; a typo under another work address, another way of writing the company, or
        /// another case for a work address.
        mutating func duplicate(of base: RowSpec) -> RowSpec {
            var row = base
            row.variantSeed = UInt32(truncatingIfNeeded: random.next())
            if base.provider >= 0 {
                let gmail: [AddressChange] = [.gmailDots, .gmailTag, .googlemail, .gmailDotsAndTag, .letterCase]
                row.addressChange = base.provider == 0 ? gmail[random.weighted([30, 55, 70, 80, 100])] : .letterCase
                if random.chance(0.15) { row.nameChange = .upperCase }
            } else {
                let roll = random.below(100)
                if roll < 40 {
                    misspell(&row)
                    readdress(&row)
                    row.showsDomain = random.chance(0.7)
                } else if roll < 70 && base.companyForm != 255, companies.indices.contains(Int(base.company)) {
                    let company = companies[Int(base.company)]
                    repeat {
                        row.companyForm = UInt8(random.within(1...6))
                    } while Variants.companyName(company, form: row.companyForm) == company.name
                    row.showsDomain = random.chance(0.7)
                } else {
                    row.addressChange = .letterCase
                    if random.chance(0.3) { row.nameChange = .upperCase }
                }
            }
            if random.chance(0.3) { row.title = random.chance(0.5) ? UInt8(random.below(Words.titles.count)) : 255 }
            if random.chance(0.3) { row.phone = random.chance(0.5) ? random.next() | 1 : 0 }
            return row
        }

        /// One typo in the first or the last name, never in its first letter, or its diacritics lost.
        mutating func misspell(_ row: inout RowSpec) {
            row.changeInLastName = random.chance(0.5)
            let name = Array(row.changeInLastName ? names.last[Int(row.last)] : names.first[Int(row.first)])
            if name.contains(where: { !$0.isASCII }) && random.chance(0.25) {
                row.nameChange = .diacriticsLost
                return
            }
            for _ in 0..<20 {
                let kind: NameChange = [.substitution, .transposition, .omission, .doubling][random.weighted([35, 60, 80, 100])]
                let position = random.within(1...max(1, name.count - 1))
                guard position < name.count, name[position].isLetter else { continue }
                switch kind {
                case .transposition:
                    guard position + 1 < name.count, name[position + 1].isLetter, name[position] != name[position + 1] else { continue }
                case .omission:
                    guard name.count >= 4 else { continue }
                case .substitution:
                    let original = Character(name[position].lowercased())
                    let choices = Words.keyboardNeighbours[original] ?? "aeiou"
                    let letter = Array(choices)[random.below(choices.count)]
                    guard letter != original, let ascii = letter.asciiValue else { continue }
                    row.changeLetter = ascii
                default: break
                }
                row.nameChange = kind
                row.changePosition = UInt8(position)
                return
            }
            row.nameChange = .upperCase
        }

        /// Another work address for the same person, in a format other than the company's.
        mutating func readdress(_ row: inout RowSpec) {
            guard let company = companies.indices.contains(Int(row.company)) ? companies[Int(row.company)] : nil else { return }
            var format = Int(row.mailFormat)
            while format == Int(row.mailFormat) { format = [0, 1, 2, 6][random.below(4)] }
            row.mailFormat = UInt8(format)
            row.mailNumber = uniqueNumber(row, domain: company.domain, startingAt: 0)
        }

        /// Fisher–Yates, moving each row's owner with it.
        mutating func shuffle(_ rows: inout [RowSpec], _ owners: inout [Int32]) {
            guard rows.count > 1 else { return }
            for index in stride(from: rows.count - 1, to: 0, by: -1) {
                let other = random.below(index + 1)
                rows.swapAt(index, other)
                owners.swapAt(index, other)
            }
        }

        /// The rows of each person with two or more, each ascending, ordered by first row.
        static func groups(owners: [Int32]) -> [[Int]] {
            var rowsOf: [Int32: [Int]] = [:]
            for (row, owner) in owners.enumerated() { rowsOf[owner, default: []].append(row) }
            return rowsOf.values.filter { $0.count > 1 }.sorted { $0[0] < $1[0] }
        }
    }
}
