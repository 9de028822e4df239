import Foundation

/// One prospect as the duplicate finder sees it: its addresses' identity keys, its name, its
/// company and the company's web domain. The finder reads nothing else, so a caller builds these
/// from prospects, import rows or CRM records alike.
public struct DedupeRecord: Sendable, Hashable {
    /// The identity keys of all its addresses (``EmailAddress/identityKey(_:)``: lower case,
    /// Gmail dots and `+tag` removed); may be empty.
    public var emailKeys: [String]
    /// The display name as stored, e.g. "Ana María Ruiz".
    public var name: String?
    /// The company as written, e.g. "ACME Inc.".
    public var company: String?
    /// The company's web domain, e.g. "acme.com".
    public var domain: String?

    /// A record of the given keys, name, company and domain.
    public init(emailKeys: [String], name: String?, company: String?, domain: String?) {
        self.emailKeys = emailKeys
        self.name = name
        self.company = company
        self.domain = domain
    }
}

/// Why two records were found to be the same person: the evidence that joined them into a group.
public struct DuplicateLink: Sendable, Hashable {
    /// The index (into the finder's input) of the earlier record.
    public var a: Int
    /// The index of the later record.
    public var b: Int
    /// What the two records share.
    public var reason: Reason

    /// The evidence behind a link.
    public enum Reason: Sendable, Hashable {
        /// Both records carry this email identity key.
        case sameEmail(String)
        /// The normalised names are this Jaro–Winkler-similar within a block: `domain:acme.com`
        /// (the same company domain) or `company:acme` (the same normalised company).
        case similarName(similarity: Double, block: String)
    }

    /// A link between the records at `a` and `b`.
    public init(a: Int, b: Int, reason: Reason) {
        self.a = a
        self.b = b
        self.reason = reason
    }
}

/// Records found to be one person: the connected component of the links between them.
public struct DuplicateGroup: Sendable, Hashable {
    /// Indices into the finder's input, ascending; at least two.
    public var members: [Int]
    /// The links that joined the members: a spanning set (members − 1 links), enough to explain
    /// the group, not every pair that would also have matched.
    public var links: [DuplicateLink]

    /// A group of `members` joined by `links`.
    public init(members: [Int], links: [DuplicateLink]) {
        self.members = members
        self.links = links
    }
}

/// What one run of the finder found, with counts that show the work it did.
public struct DuplicateReport: Sendable, Hashable {
    /// The groups, sorted by their first member.
    public var groups: [DuplicateGroup]
    /// Blocks (company domains and companies) with at least two named records, counted once when
    /// two blocks hold the same records.
    public var blocks: Int
    /// The number of named records in the largest block.
    public var largestBlock: Int
    /// Pairs of records the fuzzy pass looked at (all pairs of a small block, the sorted
    /// neighbours in a large one).
    public var candidatePairs: Int
    /// Of those, the pairs whose names were scored with Jaro–Winkler (the rest were already in one
    /// group, or their lengths and letters ruled a match out).
    public var comparisons: Int
}

/// Finds prospects that are the same person, in two passes whose links are joined transitively
/// (union–find) into groups.
///
/// 1. Exact: records sharing an email identity key are duplicates.
/// 2. Fuzzy, only within a block: records with the same company domain (the record's `domain`,
///    else the domain of its addresses, never a free-mail domain), or the same normalised company,
///    whose normalised names have a Jaro–Winkler similarity of at least ``threshold``, and whose
///    last words (the surnames, mostly) have at least 0.85. A record
///    without a name never matches fuzzily, and the same name at two companies stays apart.
///
/// A block of up to ``smallBlockLimit`` named records compares every pair. A larger one (a company
/// of 20,000 people, a CRM full of one domain) would be quadratic, so it uses two sorted-
/// neighbourhood passes instead: sorted by normalised name, then by the name's words reversed
/// (last name first), each record is compared with the next ``window`` records — at most
/// `2 × window` comparisons per record, linear in the block.
///
/// What that trades: in a large block a pair is compared only when, in one of the two orders,
/// fewer than `window` names sort between them. A one-letter typo leaves one name intact, and the
/// order that starts with the intact name keeps the pair close, so a typo is missed only when more
/// than `window` colleagues share the intact name and sort between the two spellings (seventeen
/// Smiths whose first names fall between "Jhon" and "John"). A pair differing in both names is
/// found only when the names still sort close in one order.
///
/// What the rule itself trades (it compares whole names): a long shared first name weighs
/// heavily, so two different people at one company, "Elizabeth Warren" and "Elizabeth Green",
/// score above 0.92 and are joined; and Jaro's greedy matching scores some one-letter typos low
/// ("Joohn Thompson" and "John Thompson": 0.894). A merge should show the operator the links.
///
/// Each record's name is folded once into one byte arena, and each distinct domain and company
/// string is normalised once; a million records take about two seconds and 60 MB on one core.
///
/// ```swift
/// let groups = DuplicateFinder().groups(records)  // [DuplicateGroup(members: [3, 17], links: [...])]
/// ```
public struct DuplicateFinder: Sendable {
    /// The Jaro–Winkler similarity of two normalised names at or above which they match.
    public var threshold: Double
    /// Domains that never form a block, as lower-case domains (`gmail.com`) or a brand with any
    /// suffix (`hotmail.*` matches `hotmail.co.uk`).
    public var freeMailDomains: Set<String>
    /// Normalised company names that are no company ("n a", "self employed") and form no block.
    public var placeholderCompanies: Set<String>
    /// The largest block compared pair by pair; above it, sorted neighbourhoods.
    public var smallBlockLimit: Int = 64
    /// How many following records each record is compared with in a sorted-neighbourhood pass.
    public var window: Int = 16

    /// A finder matching names at `threshold`, treating the built-in free-mail domains and
    /// `extraFreeMailDomains` as personal addresses that say nothing about a company.
    public init(threshold: Double = 0.92, extraFreeMailDomains: Set<String> = []) {
        self.threshold = threshold
        self.freeMailDomains = Self.defaultFreeMailDomains.union(extraFreeMailDomains.map { $0.lowercased() })
        self.placeholderCompanies = Self.defaultPlaceholderCompanies
    }

    /// The groups of duplicates among `records`, sorted by first member.
    public func groups(_ records: [DedupeRecord]) -> [DuplicateGroup] {
        analyse(records).groups
    }

    /// The groups of duplicates among `records`, with counts of the work done to find them.
    public func analyse(_ records: [DedupeRecord]) -> DuplicateReport {
        precondition(records.count < Int(Int32.max), "the duplicate finder takes fewer than 2^31 records")
        var forest = DisjointSets(count: records.count)
        var links: [PendingLink] = []
        Self.linkSharedEmails(records, forest: &forest, links: &links)
        var folder = TextFolder()
        let names = NameTable(records, folder: &folder)
        let blocks = BlockIndex(records, names: names, finder: self, folder: &folder)
        var pass = FuzzyPass(threshold: threshold, smallBlockLimit: max(2, smallBlockLimit), window: max(1, window))
        names.withView { view in
            for block in blocks.blocksToCompare() {
                pass.compare(blocks.members(of: block), block: block, names: view, forest: &forest, links: &links)
            }
        }
        return DuplicateReport(
            groups: Self.assemble(count: records.count, forest: &forest, links: links, blocks: blocks),
            blocks: blocks.blocksToCompare().count,
            largestBlock: blocks.largestBlock,
            candidatePairs: pass.candidatePairs,
            comparisons: pass.comparisons
        )
    }

    /// Whether `domain` (lower case) is a free-mail domain: listed, or its brand (first label)
    /// listed as `brand.*`.
    public func isFreeMail(_ domain: String) -> Bool {
        if freeMailDomains.contains(domain) { return true }
        guard let dot = domain.firstIndex(of: ".") else { return false }
        return freeMailDomains.contains(domain[..<dot] + ".*")
    }

    /// `text` as names are compared: lower case, diacritics folded (`é` → `e`, `ł` → `l`,
    /// `ß` → `ss`), apostrophes and dots dropped (`O'Brien` → `obrien`), other punctuation and
    /// whitespace collapsed to single spaces, none at either end.
    public static func normalisedName(_ text: String) -> String {
        var folder = TextFolder()
        return String(decoding: folder.folded(text), as: UTF8.self)
    }

    /// `text` as companies are compared: as ``normalisedName(_:)``, then a leading "the" and
    /// trailing legal suffixes (inc, llc, ltd, gmbh, corp, co, sa, ag, bv, plc, …) dropped, as long
    /// as a word remains: "The ACME Company, Inc." → "acme".
    public static func normalisedCompany(_ text: String) -> String {
        var folder = TextFolder()
        return companyKey(folder.folded(text))
    }

    /// `text` as a company domain: lower case, without a scheme, `www.`, path or trailing dot;
    /// nil unless something with a dot remains.
    public static func normalisedDomain(_ text: String) -> String? {
        var domain = Substring(text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
        for scheme in ["https://", "http://"] where domain.hasPrefix(scheme) { domain = domain.dropFirst(scheme.count) }
        if let slash = domain.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { domain = domain[..<slash] }
        if domain.hasPrefix("@") { domain = domain.dropFirst() }
        if domain.hasPrefix("www.") { domain = domain.dropFirst(4) }
        while domain.hasSuffix(".") { domain = domain.dropLast() }
        return domain.contains(".") && !domain.contains(" ") ? String(domain) : nil
    }

    /// The built-in free-mail domains: webmail, national variants of the big brands, and the
    /// large ISPs whose addresses are personal.
    public static let defaultFreeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.*", "ymail.com", "rocketmail.com", "hotmail.*", "outlook.*",
        "live.*", "msn.com", "windowslive.com", "passport.com", "icloud.com", "me.com", "mac.com", "aol.*",
        "aim.com", "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "gmx.*", "web.de", "t-online.de",
        "freenet.de", "arcor.de", "posteo.de", "mailbox.org", "mail.ru", "bk.ru", "list.ru", "inbox.ru",
        "internet.ru", "yandex.*", "ya.ru", "rambler.ru", "ukr.net", "qq.com", "foxmail.com", "163.com",
        "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "aliyun.com", "naver.com", "hanmail.net",
        "daum.net", "kakao.com", "zoho.com", "zohomail.com", "fastmail.com", "fastmail.fm", "hey.com",
        "tutanota.com", "tutanota.de", "tuta.io", "tuta.com", "duck.com", "hushmail.com", "mail.com",
        "email.com", "usa.com", "inbox.com", "lycos.com", "rediffmail.com", "libero.it", "virgilio.it",
        "tiscali.it", "alice.it", "laposte.net", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "seznam.cz",
        "centrum.cz", "wp.pl", "o2.pl", "interia.pl", "onet.pl", "op.pl", "comcast.net", "verizon.net",
        "att.net", "sbcglobal.net", "bellsouth.net", "cox.net", "charter.net", "earthlink.net",
        "optonline.net", "btinternet.com", "sky.com", "virginmedia.com", "talktalk.net", "ntlworld.com",
        "shaw.ca", "rogers.com", "sympatico.ca", "bigpond.com", "optusnet.com.au", "xtra.co.nz",
        "uol.com.br", "bol.com.br", "terra.com.br", "ig.com.br",
    ]

    /// The built-in placeholder companies, normalised: what a form or a CRM holds when a person
    /// has no company.
    public static let defaultPlaceholderCompanies: Set<String> = [
        "n a", "na", "none", "null", "nil", "unknown", "self", "self employed", "selfemployed", "freelance",
        "freelancer", "independent", "private", "personal", "individual", "retired", "student",
        "unemployed", "tbd", "test", "other", "not applicable", "no company", "home",
    ]

    /// Legal-form words dropped from the end of a company name.
    static let legalSuffixes: Set<String> = [
        "inc", "incorporated", "llc", "llp", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company",
        "sa", "sas", "sarl", "ag", "kg", "bv", "nv", "plc", "srl", "spa", "oy", "ab", "pty",
    ]

    /// The company key of folded text: a leading "the" and trailing legal suffixes dropped while a
    /// word remains.
    static func companyKey(_ folded: [UInt8]) -> String {
        var words = folded.split(separator: 0x20).map { String(decoding: $0, as: UTF8.self) }
        if words.count > 1 && words[0] == "the" { words.removeFirst() }
        while words.count > 1, let last = words.last, legalSuffixes.contains(last) { words.removeLast() }
        return words.joined(separator: " ")
    }

    /// Joins records that share an email identity key, one link per join.
    static func linkSharedEmails(_ records: [DedupeRecord], forest: inout DisjointSets, links: inout [PendingLink]) {
        var latestWithKey: [String: Int32] = [:]
        latestWithKey.reserveCapacity(records.count)
        for (index, record) in records.enumerated() {
            let index = Int32(index)
            for key in record.emailKeys where !key.isEmpty {
                guard let earlier = latestWithKey.updateValue(index, forKey: key), earlier != index else { continue }
                if forest.union(earlier, index) { links.append(PendingLink(a: earlier, b: index, email: key)) }
            }
        }
    }

    /// The connected components of two or more records, in order of their first member, each
    /// with the links that joined it.
    static func assemble(count: Int, forest: inout DisjointSets, links: [PendingLink], blocks: BlockIndex) -> [DuplicateGroup] {
        var groupOfRoot = [Int32](repeating: -1, count: count)
        var groups: [DuplicateGroup] = []
        for index in 0..<Int32(count) {
            let root = forest.root(index)
            guard forest.size(ofRoot: root) > 1 else { continue }
            if groupOfRoot[Int(root)] < 0 {
                groupOfRoot[Int(root)] = Int32(groups.count)
                groups.append(DuplicateGroup(members: [], links: []))
            }
            groups[Int(groupOfRoot[Int(root)])].members.append(Int(index))
        }
        for link in links {
            let group = Int(groupOfRoot[Int(forest.root(link.a))])
            groups[group].links.append(link.link(blockLabels: blocks.labels))
        }
        return groups
    }
}

// The machinery of one run, nested so that its names stay out of the module's namespace.
extension DuplicateFinder {
    /// A link found during a run, before its block is named.
    struct PendingLink {
        var a: Int32
        var b: Int32
        var email: String?
        var similarity: Double = 0
        var block: Int32 = -1

        init(a: Int32, b: Int32, email: String) {
            self.a = a
            self.b = b
            self.email = email
        }

        init(a: Int32, b: Int32, similarity: Double, block: Int32) {
            self.a = min(a, b)
            self.b = max(a, b)
            self.similarity = similarity
            self.block = block
        }

        /// The public link, its block named from `blockLabels`.
        func link(blockLabels: [String]) -> DuplicateLink {
            let reason: DuplicateLink.Reason = if let email {
                .sameEmail(email)
            } else {
                .similarName(similarity: similarity, block: blockLabels[Int(block)])
            }
            return DuplicateLink(a: Int(a), b: Int(b), reason: reason)
        }
    }

    /// Union–find over record indices, with path halving and union by size.
    struct DisjointSets {
        private var parent: [Int32]
        private var sizes: [Int32]

        init(count: Int) {
            parent = Array(0..<Int32(count))
            sizes = [Int32](repeating: 1, count: count)
        }

        /// The representative of `element`'s set.
        mutating func root(_ element: Int32) -> Int32 {
            var element = element
            while parent[Int(element)] != element {
                let grandparent = parent[Int(parent[Int(element)])]
                parent[Int(element)] = grandparent
                element = grandparent
            }
            return element
        }

        /// How many elements the set whose representative is `root` holds.
        func size(ofRoot root: Int32) -> Int32 { sizes[Int(root)] }

        /// Joins the sets of `a` and `b`; false when they were one set already.
        @discardableResult
        mutating func union(_ a: Int32, _ b: Int32) -> Bool {
            var rootA = root(a), rootB = root(b)
            guard rootA != rootB else { return false }
            if sizes[Int(rootA)] < sizes[Int(rootB)] { swap(&rootA, &rootB) }
            parent[Int(rootB)] = rootA
            sizes[Int(rootA)] += sizes[Int(rootB)]
            return true
        }
    }

    /// Folds text to the form names and companies are compared in (see
    /// ``DuplicateFinder/normalisedName(_:)``), as UTF-8 bytes. It folds each distinct non-ASCII
    /// scalar once and remembers it, so a million names cost one pass over their scalars.
    struct TextFolder {
        /// What each ASCII byte becomes: itself in lower case, a space (a word break), or 0 (dropped).
        static let asciiFolds: [UInt8] = (0..<128).map { (byte: Int) -> UInt8 in
            switch UInt8(byte) {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt8(byte) + 32
            case UInt8(ascii: "'"), UInt8(ascii: "."), UInt8(ascii: "`"): 0
            default: 0x20
            }
        }

        /// Letters that do not decompose into a base letter and a mark, and apostrophes to drop.
        static let specialFolds: [UInt32: String] = [
            0x0142: "l", 0x0141: "l", 0x00F8: "o", 0x00D8: "o", 0x00DF: "ss", 0x1E9E: "ss", 0x00E6: "ae",
            0x00C6: "ae", 0x0153: "oe", 0x0152: "oe", 0x0111: "d", 0x0110: "d", 0x00F0: "d", 0x00D0: "d",
            0x00FE: "th", 0x00DE: "th", 0x0131: "i", 0x0127: "h", 0x0126: "h", 0x0167: "t", 0x0166: "t",
            0x0140: "l", 0x013F: "l", 0x0138: "k", 0x03C2: "σ",
            0x2019: "", 0x2018: "", 0x02BC: "", 0x02BB: "", 0x00B4: "", 0x02B9: "", 0x2032: "",
        ]

        private var cache: [UInt32: [UInt8]] = [:]

        /// The folded bytes of `text`.
        mutating func folded(_ text: String) -> [UInt8] {
            var bytes: [UInt8] = []
            append(text, to: &bytes)
            return bytes
        }

        /// Appends the folded bytes of `text` to `output`: words separated by single spaces, none at
        /// either end of what it appends.
        mutating func append(_ text: String, to output: inout [UInt8]) {
            let start = output.count
            var pendingSpace = false
            func emit(_ byte: UInt8) {
                if byte == 0x20 {
                    pendingSpace = output.count > start
                } else if byte != 0 {
                    if pendingSpace { output.append(0x20) }
                    pendingSpace = false
                    output.append(byte)
                }
            }
            Self.asciiFolds.withUnsafeBufferPointer { ascii in
                for scalar in text.unicodeScalars {
                    if scalar.isASCII {
                        emit(ascii[Int(scalar.value)])
                    } else {
                        for byte in fold(scalar) { emit(byte) }
                    }
                }
            }
        }

        /// The folded bytes of one non-ASCII scalar, from the cache or worked out once.
        private mutating func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
            if let known = cache[scalar.value] { return known }
            let bytes = Self.foldUncached(scalar)
            cache[scalar.value] = bytes
            return bytes
        }

        /// Compatibility decomposition, combining diacritics dropped, letters and digits in lower
        /// case, anything else a word break.
        static func foldUncached(_ scalar: Unicode.Scalar) -> [UInt8] {
            if let special = specialFolds[scalar.value] { return Array(special.utf8) }
            var bytes: [UInt8] = []
            for part in String(scalar).decomposedStringWithCompatibilityMapping.unicodeScalars {
                if part.isASCII {
                    bytes.append(asciiFolds[Int(part.value)])
                } else if let special = specialFolds[part.value] {
                    bytes.append(contentsOf: special.utf8)
                } else if isCombiningDiacritic(part) {
                    continue
                } else if isWordCharacter(part) {
                    bytes.append(contentsOf: part.properties.lowercaseMapping.utf8)
                } else {
                    bytes.append(0x20)
                }
            }
            return bytes
        }

        /// Marks from the combining-diacritics blocks: accents, not the vowel signs of other scripts.
        static func isCombiningDiacritic(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F: true
            default: false
            }
        }

        /// Letters, digits and the marks other scripts write words with.
        static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil { return true }
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: return true
            default: return false
            }
        }
    }

    /// Every record's normalised name, folded once into one byte arena, with a signature of the
    /// letters each holds for ruling pairs out cheaply.
    struct NameTable: Sendable {
        /// The signature bit set by a name with a non-ASCII byte.
        static let nonASCII: UInt32 = 1 << 31

        private(set) var bytes: [UInt8] = []
        /// Where each record's name starts in `bytes`; one more entry than records.
        private(set) var starts: [Int] = [0]
        /// Per record, one bit per letter a–z present, bit 26 for digits, bit 27 for a space, and
        /// ``nonASCII``.
        private(set) var signatures: [UInt32] = []

        init(_ records: [DedupeRecord], folder: inout TextFolder) {
            bytes.reserveCapacity(records.count * 14)
            starts.reserveCapacity(records.count + 1)
            signatures.reserveCapacity(records.count)
            for record in records {
                let start = bytes.count
                if let name = record.name { folder.append(name, to: &bytes) }
                starts.append(bytes.count)
                signatures.append(Self.signature(bytes[start...]))
            }
        }

        /// The length in bytes of the name of record `index`; 0 for none.
        func length(_ index: Int) -> Int { starts[index + 1] - starts[index] }

        /// The signature of folded name bytes.
        static func signature(_ name: ArraySlice<UInt8>) -> UInt32 {
            var signature: UInt32 = 0
            for byte in name {
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): signature |= 1 << UInt32(byte - UInt8(ascii: "a"))
                case UInt8(ascii: "0")...UInt8(ascii: "9"): signature |= 1 << 26
                case 0x20: signature |= 1 << 27
                default: signature |= nonASCII
                }
            }
            return signature
        }

        /// Runs `body` with unchecked views of the table, for the hot loops.
        func withView<Result>(_ body: (NameView) -> Result) -> Result {
            bytes.withUnsafeBufferPointer { bytes in
                starts.withUnsafeBufferPointer { starts in
                    signatures.withUnsafeBufferPointer { signatures in
                        body(NameView(bytes: bytes, starts: starts, signatures: signatures))
                    }
                }
            }
        }
    }

    /// A borrowed view of a ``NameTable``, valid inside ``NameTable/withView(_:)``.
    struct NameView {
        let bytes: UnsafeBufferPointer<UInt8>
        let starts: UnsafeBufferPointer<Int>
        let signatures: UnsafeBufferPointer<UInt32>

        /// The folded name of record `index`.
        func name(_ index: Int32) -> UnsafeBufferPointer<UInt8> {
            let start = starts[Int(index)], end = starts[Int(index) + 1]
            return UnsafeBufferPointer(rebasing: bytes[start..<end])
        }

        /// What the fuzzy pass needs of record `index` to rule a pair out without its name.
        func candidate(_ index: Int32) -> Candidate {
            let name = name(index)
            var head: UInt32 = 0
            for position in 0..<4 { head = head << 8 | (position < name.count ? UInt32(name[position]) : 0) }
            return Candidate(record: index, length: Int32(name.count), signature: signatures[Int(index)], head: head)
        }
    }

    /// A record in a block, with what rules most pairs out inline: its name's length in bytes, its
    /// ``NameTable`` signature, and its first 4 bytes big-endian (zero-padded).
    struct Candidate {
        var record: Int32
        var length: Int32
        var signature: UInt32
        var head: UInt32
    }

    /// The blocks of a run: which named records share a company domain or a normalised company, as
    /// one flat member array with per-block ranges (records ascending within a block).
    struct BlockIndex {
        /// Per block, `domain:acme.com` or `company:acme`.
        private(set) var labels: [String] = []
        /// The number of records in the largest block compared.
        private(set) var largestBlock = 0
        private var starts: [Int] = [0]
        private var members: [Int32] = []
        private var distinct: [Int32] = []

        init(_ records: [DedupeRecord], names: NameTable, finder: DuplicateFinder, folder: inout TextFolder) {
            var keys = BlockKeys(finder: finder)
            var entryBlocks: [Int32] = [], entryRecords: [Int32] = []
            entryBlocks.reserveCapacity(records.count * 2)
            entryRecords.reserveCapacity(records.count * 2)
            for (index, record) in records.enumerated() where names.length(index) > 0 {
                let first = entryBlocks.count
                keys.forEachBlock(of: record, folder: &folder) { block in
                    guard !entryBlocks[first...].contains(block) else { return }
                    entryBlocks.append(block)
                    entryRecords.append(Int32(index))
                }
            }
            labels = keys.labels
            groupEntries(blocks: entryBlocks, records: entryRecords)
            distinct = distinctBlocks()
            largestBlock = distinct.map { members(of: $0).count }.max() ?? 0
        }

        /// The blocks worth comparing: two or more records, not the same records as an earlier block
        /// (a company's domain block and its name block usually are).
        func blocksToCompare() -> [Int32] { distinct }

        /// The records of `block`, ascending.
        func members(of block: Int32) -> ArraySlice<Int32> {
            members[starts[Int(block)]..<starts[Int(block) + 1]]
        }

        /// Counting sort of the (block, record) entries into per-block ranges.
        private mutating func groupEntries(blocks: [Int32], records: [Int32]) {
            var counts = [Int](repeating: 0, count: labels.count + 1)
            for block in blocks { counts[Int(block) + 1] += 1 }
            for block in 0..<labels.count { counts[block + 1] += counts[block] }
            starts = counts
            var next = counts
            members = [Int32](repeating: 0, count: records.count)
            for (block, record) in zip(blocks, records) {
                members[next[Int(block)]] = record
                next[Int(block)] += 1
            }
        }

        /// Blocks of two or more records whose member list no earlier block had.
        private func distinctBlocks() -> [Int32] {
            var firstWithHash: [UInt64: Int32] = [:]
            var result: [Int32] = []
            for block in 0..<Int32(labels.count) {
                let list = members(of: block)
                guard list.count > 1 else { continue }
                var hash: UInt64 = 0xCBF2_9CE4_8422_2325
                for record in list { hash = (hash ^ UInt64(UInt32(bitPattern: record))) &* 0x0000_0100_0000_01B3 }
                if let earlier = firstWithHash[hash], members(of: earlier).elementsEqual(list) { continue }
                if firstWithHash[hash] == nil { firstWithHash[hash] = block }
                result.append(block)
            }
            return result
        }
    }

    /// Names the blocks a record belongs to, normalising each distinct domain and company once.
    struct BlockKeys {
        let finder: DuplicateFinder
        private(set) var labels: [String] = []
        private var blockOfLabel: [String: Int32] = [:]
        private var blockOfRawDomain: [String: Int32] = [:]
        private var blockOfEmailDomain: [Substring: Int32] = [:]
        private var blockOfRawCompany: [String: Int32] = [:]

        init(finder: DuplicateFinder) {
            self.finder = finder
        }

        /// Calls `body` with each of the record's blocks: its domain's (or else its addresses'
        /// non-free-mail domains'), and its company's; may repeat a block.
        mutating func forEachBlock(of record: DedupeRecord, folder: inout TextFolder, _ body: (Int32) -> Void) {
            if let domain = record.domain, !domain.isEmpty {
                let block = domainBlock(raw: domain)
                if block >= 0 { body(block) }
            } else {
                for key in record.emailKeys {
                    let block = emailDomainBlock(key)
                    if block >= 0 { body(block) }
                }
            }
            if let company = record.company, !company.isEmpty {
                let block = companyBlock(raw: company, folder: &folder)
                if block >= 0 { body(block) }
            }
        }

        /// The block of a domain as a record states it; -1 for none (malformed or free-mail).
        private mutating func domainBlock(raw: String) -> Int32 {
            if let known = blockOfRawDomain[raw] { return known }
            var block: Int32 = -1
            if let domain = DuplicateFinder.normalisedDomain(raw), !finder.isFreeMail(domain) { block = self.block("domain:" + domain) }
            blockOfRawDomain[raw] = block
            return block
        }

        /// The block of the domain of an identity key; -1 for none.
        private mutating func emailDomainBlock(_ key: String) -> Int32 {
            guard let at = key.utf8.lastIndex(of: UInt8(ascii: "@")) else { return -1 }
            let domain = key[key.utf8.index(after: at)...]
            if let known = blockOfEmailDomain[domain] { return known }
            let block = domain.contains(".") && !finder.isFreeMail(String(domain)) ? self.block("domain:" + domain) : -1
            blockOfEmailDomain[domain] = block
            return block
        }

        /// The block of a company as written; -1 for an empty or placeholder company.
        private mutating func companyBlock(raw: String, folder: inout TextFolder) -> Int32 {
            if let known = blockOfRawCompany[raw] { return known }
            let key = DuplicateFinder.companyKey(folder.folded(raw))
            let block = key.isEmpty || finder.placeholderCompanies.contains(key) ? -1 : self.block("company:" + key)
            blockOfRawCompany[raw] = block
            return block
        }

        /// The block with `label`, created when new.
        private mutating func block(_ label: String) -> Int32 {
            if let known = blockOfLabel[label] { return known }
            let block = Int32(labels.count)
            labels.append(label)
            blockOfLabel[label] = block
            return block
        }
    }

    /// The fuzzy pass over one block after another: every pair of a small block, sorted
    /// neighbourhoods of a large one. Each candidate pair is first checked against a bound worked out
    /// from what ``Candidate`` carries inline (lengths, letters present, first bytes), so most pairs
    /// are ruled out without touching the names or the union–find; the rest are skipped when already
    /// joined, and scored otherwise.
    struct FuzzyPass {
        /// A record's sort key (the first 8 bytes big-endian, then the rest from `keyOffset`) and
        /// its candidate.
        struct SortEntry {
            var prefix: UInt64
            var keyOffset: Int
            var keyLength: Int
            var candidate: Candidate
        }

        let threshold: Double
        let smallBlockLimit: Int
        let window: Int
        private(set) var candidatePairs = 0
        private(set) var comparisons = 0
        private var scalarsA: [Unicode.Scalar] = []
        private var scalarsB: [Unicode.Scalar] = []

        init(threshold: Double, smallBlockLimit: Int, window: Int) {
            self.threshold = threshold
            self.smallBlockLimit = smallBlockLimit
            self.window = window
        }

        /// Links the similar names among `members` (one block's records, ascending).
        mutating func compare(_ members: ArraySlice<Int32>, block: Int32, names: NameView, forest: inout DisjointSets, links: inout [PendingLink]) {
            if members.count <= smallBlockLimit {
                let candidates = members.map(names.candidate)
                for first in candidates.indices {
                    for second in (first + 1)..<candidates.count {
                        consider(candidates[first], candidates[second], block: block, names: names, forest: &forest, links: &links)
                    }
                }
                return
            }
            let byName = members.map { Self.entry(names.candidate($0), key: names.name($0), keyOffset: names.starts[Int($0)]) }
            neighbourhoods(byName, keys: names.bytes, block: block, names: names, forest: &forest, links: &links)
            var reversed: [UInt8] = [], offsets: [Int] = []
            offsets.reserveCapacity(members.count + 1)
            for record in members {
                offsets.append(reversed.count)
                Self.appendReversedWords(names.name(record), to: &reversed)
            }
            offsets.append(reversed.count)
            reversed.withUnsafeBufferPointer { keys in
                let byLastName = members.enumerated().map { position, record in
                    let key = UnsafeBufferPointer(rebasing: keys[offsets[position]..<offsets[position + 1]])
                    return Self.entry(names.candidate(record), key: key, keyOffset: offsets[position])
                }
                neighbourhoods(byLastName, keys: keys, block: block, names: names, forest: &forest, links: &links)
            }
        }

        /// Sorts `entries` by key and considers each record with the next ``window`` ones.
        private mutating func neighbourhoods(
            _ entries: [SortEntry], keys: UnsafeBufferPointer<UInt8>, block: Int32, names: NameView,
            forest: inout DisjointSets, links: inout [PendingLink]
        ) {
            let sorted = entries.sorted { lhs, rhs in
                lhs.prefix != rhs.prefix ? lhs.prefix < rhs.prefix : Self.tailPrecedes(lhs, rhs, keys: keys)
            }
            for first in sorted.indices {
                for second in (first + 1)..<min(sorted.count, first + 1 + window) {
                    consider(sorted[first].candidate, sorted[second].candidate, block: block, names: names, forest: &forest, links: &links)
                }
            }
        }

        /// Joins the two records when their names may match, they are not joined yet, and the names
        /// do match.
        private mutating func consider(
            _ x: Candidate, _ y: Candidate, block: Int32, names: NameView, forest: inout DisjointSets, links: inout [PendingLink]
        ) {
            candidatePairs += 1
            guard let prefix = Self.plausiblePrefix(x, y, threshold: threshold) else { return }
            let rootX = forest.root(x.record), rootY = forest.root(y.record)
            guard rootX != rootY else { return }
            let (a, b) = x.record < y.record ? (x.record, y.record) : (y.record, x.record)
            guard let similarity = score(names.name(a), names.name(b), prefix: prefix) else { return }
            forest.union(rootX, rootY)
            links.append(PendingLink(a: a, b: b, similarity: similarity, block: block))
        }

        /// Nil when the two names cannot reach `threshold`: a letter one has and the other lacks
        /// cannot match, which bounds the matches, hence Jaro, hence Jaro–Winkler given the common
        /// prefix. Otherwise the common prefix length, or -1 when a name is not ASCII (no bound).
        static func plausiblePrefix(_ x: Candidate, _ y: Candidate, threshold: Double) -> Int? {
            guard (x.signature | y.signature) & NameTable.nonASCII == 0 else { return -1 }
            let lengthX = Int(x.length), lengthY = Int(y.length)
            let prefix = min(JaroWinkler.maximumPrefixLength, lengthX, lengthY, (x.head ^ y.head).leadingZeroBitCount / 8)
            let matches = min(lengthX - (x.signature & ~y.signature).nonzeroBitCount, lengthY - (y.signature & ~x.signature).nonzeroBitCount)
            guard matches > 0 else { return nil }
            let jaroBound = (Double(matches) / Double(lengthX) + Double(matches) / Double(lengthY) + 1) / 3
            return JaroWinkler.winkler(jaro: jaroBound, prefixLength: prefix) + 1e-12 >= threshold ? prefix : nil
        }

        /// The Jaro–Winkler similarity of two names when at least ``threshold``, nil otherwise;
        /// `prefix` is their common prefix, or -1 to compare them scalar by scalar.
        private mutating func score(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, prefix: Int) -> Double? {
            comparisons += 1
            let similarity: Double
            if prefix >= 0 {
                similarity = JaroWinkler.winkler(jaro: JaroWinkler.jaro(a, b), prefixLength: prefix)
            } else {
                Self.decode(a, into: &scalarsA)
                Self.decode(b, into: &scalarsB)
                similarity = JaroWinkler.similarity(scalarsA, scalarsB)
            }
            guard similarity >= threshold else { return nil }
            // Alike first names are not one person: "Elizabeth Warren" and "Elizabeth Green" at one
            // company reach 0.92 on the whole name. The last words must be alike too (0.85: one
            // typo in a short surname, "Kowalska"/"Kowalksa", "Okafor"/"Okafqr", still passes).
            return JaroWinkler.similarity(Self.lastWord(a), Self.lastWord(b)) >= Self.surnameThreshold ? similarity : nil
        }

        /// How alike the last words of two matching names must be.
        static let surnameThreshold = 0.85

        /// The last word of a normalised name (after its last space), or the whole name.
        static func lastWord(_ name: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
            guard let space = name.lastIndex(of: 0x20) else { return name }
            return UnsafeBufferPointer(rebasing: name[(space + 1)...])
        }

        /// Replaces `scalars` with the scalars of UTF-8 `bytes`, reusing its storage.
        private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, into scalars: inout [Unicode.Scalar]) {
            scalars.removeAll(keepingCapacity: true)
            var parser = Unicode.UTF8.ForwardParser()
            var iterator = bytes.makeIterator()
            while case .valid(let encoded) = parser.parseScalar(from: &iterator) { scalars.append(Unicode.UTF8.decode(encoded)) }
        }

        /// A sort entry for `candidate` whose key is `key`, stored from `keyOffset`.
        private static func entry(_ candidate: Candidate, key: UnsafeBufferPointer<UInt8>, keyOffset: Int) -> SortEntry {
            var prefix: UInt64 = 0
            for index in 0..<8 { prefix = prefix << 8 | (index < key.count ? UInt64(key[index]) : 0) }
            return SortEntry(prefix: prefix, keyOffset: keyOffset, keyLength: key.count, candidate: candidate)
        }

        /// Whether `lhs` sorts before `rhs`, given equal first 8 bytes.
        private static func tailPrecedes(_ lhs: SortEntry, _ rhs: SortEntry, keys: UnsafeBufferPointer<UInt8>) -> Bool {
            let common = min(lhs.keyLength, rhs.keyLength)
            var index = 8
            while index < common {
                let left = keys[lhs.keyOffset + index], right = keys[rhs.keyOffset + index]
                if left != right { return left < right }
                index += 1
            }
            return lhs.keyLength != rhs.keyLength ? lhs.keyLength < rhs.keyLength : lhs.candidate.record < rhs.candidate.record
        }

        /// Appends the words of `name` in reverse order ("ana maria ruiz" → "ruiz maria ana").
        static func appendReversedWords(_ name: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
            var end = name.count
            while end > 0 {
                var start = end
                while start > 0 && name[start - 1] != 0x20 { start -= 1 }
                if end != name.count { output.append(0x20) }
                output.append(contentsOf: name[start..<end])
                end = start - 1
            }
        }
    }
}
