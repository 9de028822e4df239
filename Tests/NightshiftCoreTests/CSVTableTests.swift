import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

/// The CSV reader for operator-supplied files: RFC 4180 read strictly, every problem reported at
/// once as `FILE:LINE: message`, and nothing in a file able to crash it.
@Suite("CSV table")
struct CSVTableTests {
    /// The bytes of `text` as UTF-8.
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    // MARK: Files that are read

    struct Accepted: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        var header: [String]
        var separator: Character = ","
        /// Each row as its starting line and its cells.
        var rows: [Expected]
        var testDescription: String { name }

        struct Expected: Sendable {
            var line: Int
            var cells: [String]
        }
    }

    static let accepted: [Accepted] = [
        Accepted(
            name: "plain comma file", input: bytes("name,email\nAda,ada@example.com\nBob,bob@example.com\n"),
            header: ["name", "email"],
            rows: [.init(line: 2, cells: ["Ada", "ada@example.com"]), .init(line: 3, cells: ["Bob", "bob@example.com"])]
        ),
        Accepted(
            name: "byte-order mark stripped", input: [0xEF, 0xBB, 0xBF] + bytes("name,email\nAda,a@x\n"),
            header: ["name", "email"], rows: [.init(line: 2, cells: ["Ada", "a@x"])]
        ),
        Accepted(
            name: "CRLF line endings", input: bytes("a,b\r\n1,2\r\n3,4\r\n"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["1", "2"]), .init(line: 3, cells: ["3", "4"])]
        ),
        Accepted(
            name: "lone CR line endings", input: bytes("a,b\r1,2\r3,4"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["1", "2"]), .init(line: 3, cells: ["3", "4"])]
        ),
        Accepted(
            name: "quoted comma", input: bytes("a,b\n\"x,y\",z\n"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["x,y", "z"])]
        ),
        Accepted(
            name: "quoted quote", input: bytes("a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["say \"hi\"", "\""])]
        ),
        Accepted(
            name: "empty quoted cell", input: bytes("a,b\n\"\",x\n"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["", "x"])]
        ),
        Accepted(
            name: "quoted LF spans lines", input: bytes("a,b\n\"line 1\nline 2\",z\n3,4\n"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["line 1\nline 2", "z"]), .init(line: 4, cells: ["3", "4"])]
        ),
        Accepted(
            name: "quoted CRLF becomes LF", input: bytes("a,b\r\n\"l1\r\nl2\r\nl3\",z\r\n3,4\r\n"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["l1\nl2\nl3", "z"]), .init(line: 5, cells: ["3", "4"])]
        ),
        Accepted(
            name: "quoted lone CR kept", input: bytes("a,b\n\"l1\rl2\",z\n3,4"),
            header: ["a", "b"], rows: [.init(line: 2, cells: ["l1\rl2", "z"]), .init(line: 4, cells: ["3", "4"])]
        ),
        Accepted(
            name: "quoted newline in the header", input: bytes("\"first\nname\",b\n1,2\n"),
            header: ["first\nname", "b"], rows: [.init(line: 3, cells: ["1", "2"])]
        ),
        Accepted(
            name: "semicolon detected", input: bytes("name;email;note\nAda;a@x;hi, there\n"),
            header: ["name", "email", "note"], separator: ";", rows: [.init(line: 2, cells: ["Ada", "a@x", "hi, there"])]
        ),
        Accepted(
            name: "tab detected", input: bytes("name\temail\nAda\ta@x, b@x\n"),
            header: ["name", "email"], separator: "\t", rows: [.init(line: 2, cells: ["Ada", "a@x, b@x"])]
        ),
        Accepted(
            name: "separators inside a quoted header cell are not counted", input: bytes("\"a;b;c\",d\n1,2\n"),
            header: ["a;b;c", "d"], rows: [.init(line: 2, cells: ["1", "2"])]
        ),
        Accepted(
            name: "a tie is a comma", input: bytes("a;b,c\n1;2,3\n"),
            header: ["a;b", "c"], rows: [.init(line: 2, cells: ["1;2", "3"])]
        ),
        Accepted(
            name: "one column", input: bytes("email\na@x\nb@x"),
            header: ["email"], rows: [.init(line: 2, cells: ["a@x"]), .init(line: 3, cells: ["b@x"])]
        ),
        Accepted(
            name: "blank lines skipped", input: bytes("a,b\n\n1,2\n\r\n\n3,4\n\n\n"),
            header: ["a", "b"], rows: [.init(line: 3, cells: ["1", "2"]), .init(line: 6, cells: ["3", "4"])]
        ),
        Accepted(
            name: "a row of separators is kept", input: bytes("a,b,c\n,,\n\"\",,\n"),
            header: ["a", "b", "c"], rows: [.init(line: 2, cells: ["", "", ""]), .init(line: 3, cells: ["", "", ""])]
        ),
        Accepted(
            name: "header trimmed, data cells exact", input: bytes(" name ,\temail \n 1 , 2 \n"),
            header: ["name", "email"], rows: [.init(line: 2, cells: [" 1 ", " 2 "])]
        ),
        Accepted(
            name: "unicode", input: bytes("név,城市\nÉva,東京 🚀\n\"e\u{301}\",\u{FEFF}x\n"),
            header: ["név", "城市"], rows: [.init(line: 2, cells: ["Éva", "東京 🚀"]), .init(line: 3, cells: ["e\u{301}", "\u{FEFF}x"])]
        ),
        Accepted(name: "header only", input: bytes("a,b\n"), header: ["a", "b"], rows: []),
    ]

    @Test(arguments: accepted)
    func reads(_ item: Accepted) throws {
        let table = try CSVTable.parse(Data(item.input), file: "t.csv").get()
        #expect(table.header == item.header)
        #expect(table.separator == item.separator)
        #expect(table.rows.map(\.line) == item.rows.map(\.line))
        #expect(table.rows.map(\.cells) == item.rows.map(\.cells))
    }

    @Test func trailingNewlineOrNotIsTheSame() throws {
        for (with, without) in [("a,b\n1,2\n", "a,b\n1,2"), ("a,b\r\n1,2\r\n", "a,b\r\n1,2"), ("a,b\r1,\"2\"\r", "a,b\r1,\"2\"")] {
            let one = try CSVTable.parse(Data(with.utf8), file: "t.csv").get()
            let other = try CSVTable.parse(Data(without.utf8), file: "t.csv").get()
            #expect(one == other)
            #expect(one.rows.count == 1)
        }
    }

    // MARK: Files that are refused

    struct Refused: Sendable, CustomTestStringConvertible {
        var name: String
        var input: [UInt8]
        /// Every problem, as `FILE:LINE: message`, in order.
        var problems: [String]
        var testDescription: String { name }
    }

    static let refused: [Refused] = [
        Refused(name: "ragged row", input: bytes("a,b,c,d,e\n1,2,3,4,5\n1,2,3\n"), problems: ["p.csv:3: 3 cells where the header has 5"]),
        Refused(name: "one cell too few", input: bytes("a,b\nx\n"), problems: ["p.csv:2: 1 cell where the header has 2"]),
        Refused(name: "too many cells", input: bytes("a,b\n1,2,\n"), problems: ["p.csv:2: 3 cells where the header has 2"]),
        Refused(
            name: "ragged row that spans lines is reported where it starts", input: bytes("a,b,c\n\"x\ny\",2\n"),
            problems: ["p.csv:2: 2 cells where the header has 3"]
        ),
        Refused(name: "text after a closing quote", input: bytes("a,b\n1,\"x\"y\n"), problems: ["p.csv:2: text after a closing quote in column 2"]),
        Refused(
            name: "space after a closing quote", input: bytes("a,b\n\"x\" ,y\n"),
            problems: ["p.csv:2: text after a closing quote in column 1"]
        ),
        Refused(
            name: "quote in an unquoted cell", input: bytes("a,b\n1,x\"y\"\n"),
            problems: ["p.csv:2: a quote inside an unquoted cell in column 2; quote the whole cell and double the quote"]
        ),
        Refused(
            name: "space before an opening quote makes the cell unquoted", input: bytes("a,b\n1, \"y\"\n"),
            problems: ["p.csv:2: a quote inside an unquoted cell in column 2; quote the whole cell and double the quote"]
        ),
        Refused(
            name: "unterminated quote at the end of the file", input: bytes("a,b\n1,2\n3,\"open\n4,5\n6,7\n"),
            problems: ["p.csv:3: a quoted cell is never closed (it starts in column 2)"]
        ),
        Refused(
            name: "Latin-1 byte", input: bytes("name,city\nAda,caf") + [0xE9] + bytes("\nBob,Paris\n"),
            problems: ["p.csv:2: not UTF-8 text (byte 0xE9 at column 8); save the file as UTF-8"]
        ),
        Refused(
            name: "one problem per line that is not UTF-8", input: bytes("a,b\n\u{E9}t\u{E9},x\ncaf") + [0xE9, 0x20, 0xE9] + bytes(",y\nok,") + [0xFF],
            problems: [
                "p.csv:3: not UTF-8 text (byte 0xE9 at column 4); save the file as UTF-8",
                "p.csv:4: not UTF-8 text (byte 0xFF at column 4); save the file as UTF-8",
            ]
        ),
        Refused(
            name: "column counted after the byte-order mark", input: [0xEF, 0xBB, 0xBF] + bytes("a") + [0xC0, 0x80] + bytes("\n1\n"),
            problems: ["p.csv:1: not UTF-8 text (byte 0xC0 at column 2); save the file as UTF-8"]
        ),
        Refused(
            name: "surrogates, overlong and truncated sequences",
            input: bytes("a\n") + [0xED, 0xA0, 0x80] + bytes("\n") + [0xE0, 0x80, 0x80] + bytes("\n\"") + [0xF4, 0x90, 0x80, 0x80] + bytes("\"\n") + [0xE2, 0x82],
            problems: [
                "p.csv:2: not UTF-8 text (byte 0xED at column 1); save the file as UTF-8",
                "p.csv:3: not UTF-8 text (byte 0xE0 at column 1); save the file as UTF-8",
                "p.csv:4: not UTF-8 text (byte 0xF4 at column 2); save the file as UTF-8",
                "p.csv:5: not UTF-8 text (byte 0xE2 at column 1); save the file as UTF-8",
            ]
        ),
        Refused(name: "empty file", input: [], problems: ["p.csv:1: the file is empty; its first line must be the header"]),
        Refused(name: "only a byte-order mark", input: [0xEF, 0xBB, 0xBF], problems: ["p.csv:1: the file is empty; its first line must be the header"]),
        Refused(name: "only blank lines", input: bytes("\n\r\n\r"), problems: ["p.csv:1: the file is empty; its first line must be the header"]),
        Refused(
            name: "duplicate header, any case", input: bytes("name,Email,x,y, email \n1,2,3,4,5\n"),
            problems: ["p.csv:1: the header names \"Email\" twice (columns 2 and 5)"]
        ),
        Refused(name: "empty header cell", input: bytes("a,,c\n1,2,3\n"), problems: ["p.csv:1: the header's column 2 has no name"]),
        Refused(name: "blank header cell", input: bytes("a,  ,\"\"\n1,2,3\n"), problems: [
            "p.csv:1: the header's column 2 has no name",
            "p.csv:1: the header's column 3 has no name",
        ]),
        Refused(name: "NUL byte", input: bytes("a,b\n1,x\u{0}y\u{0}\n"), problems: ["p.csv:2: a NUL byte at column 4"]),
        Refused(name: "NUL byte in a quoted cell", input: bytes("a,b\n1,\"x\n\u{0}\"\n"), problems: ["p.csv:3: a NUL byte at column 1"]),
        Refused(
            name: "several problems in line order",
            input: bytes("a,b,A\n1,2,3\n1,2\n\"x\"y,2,3\n1,ca") + [0xE9] + bytes(",3\n\n1,2,\"open\n\u{0}\n"),
            problems: [
                "p.csv:1: the header names \"a\" twice (columns 1 and 3)",
                "p.csv:3: 2 cells where the header has 3",
                "p.csv:4: text after a closing quote in column 1",
                "p.csv:5: not UTF-8 text (byte 0xE9 at column 5); save the file as UTF-8",
                "p.csv:7: a quoted cell is never closed (it starts in column 3)",
                "p.csv:8: a NUL byte at column 1",
            ]
        ),
    ]

    @Test(arguments: refused)
    func refuses(_ item: Refused) {
        switch CSVTable.parse(Data(item.input), file: "p.csv") {
        case .success(let table):
            Issue.record("expected problems, read \(table)")
        case .failure(let problems):
            #expect(problems.problems.map(\.description) == item.problems)
            #expect(problems.description == item.problems.joined(separator: "\n"))
        }
    }

    @Test func tooManyColumns() {
        let header = (1...1001).map { "c\($0)" }.joined(separator: ",")
        let result = CSVTable.parse(Data((header + "\n").utf8), file: "p.csv")
        #expect(result.problemLines == ["p.csv:1: more than 1000 columns"])

        let fine = (1...1000).map { "c\($0)" }.joined(separator: ",")
        let row = String(repeating: ",", count: 999)
        let table = try? CSVTable.parse(Data((fine + "\n" + row + "\n").utf8), file: "p.csv").get()
        #expect(table?.rows.first?.cells.count == 1000)

        let wide = String(repeating: ",", count: 5000)
        #expect(CSVTable.parse(Data((fine + "\n" + wide + "\n").utf8), file: "p.csv").problemLines == ["p.csv:2: more than 1000 columns"])
    }

    @Test func cellOverOneMebibyte() {
        let big = String(repeating: "x", count: 1 << 20)
        #expect((try? CSVTable.parse(Data("a,b\n\(big),1\n".utf8), file: "p.csv").get())?.rows.first?.cells.first?.utf8.count == 1 << 20)
        #expect(CSVTable.parse(Data("a,b\n1,\(big)x\n".utf8), file: "p.csv").problemLines == ["p.csv:2: a cell over 1 MiB in column 2"])
        // Quoted, with doubled quotes and CRLF: measured after unquoting.
        let escaped = String(repeating: "\"\"\r\n", count: (1 << 19) + 1)
        #expect(CSVTable.parse(Data("a,b\n\"\(escaped)\",1\n".utf8), file: "p.csv").problemLines == ["p.csv:2: a cell over 1 MiB in column 1"])
        let fits = String(repeating: "\"\"\r\n", count: 1 << 19)
        let table = try? CSVTable.parse(Data("a,b\n\"\(fits)\",1\n2,3\n".utf8), file: "p.csv").get()
        #expect(table?.rows.map(\.line) == [2, 2 + (1 << 19) + 1])
        #expect(CSVTable.parse(Data("\(big)x\n".utf8), file: "p.csv").problemLines == ["p.csv:1: a cell over 1 MiB in column 1"])
    }

    @Test func problemsAreCappedAtOneThousand() {
        let text = "a,b\n" + String(repeating: "1\n", count: 1500)
        let problems = CSVTable.parse(Data(text.utf8), file: "p.csv").problemLines
        #expect(problems.count == 1001)
        #expect(problems.first == "p.csv:2: 1 cell where the header has 2")
        #expect(problems[999] == "p.csv:1001: 1 cell where the header has 2")
        #expect(problems.last == "p.csv:1002: 500 more problems are not listed")

        // A problem found last (a quoted cell never closed, at the end of the file) but placed early
        // still comes in its place, even after thousands of later problems were dropped.
        let late = "a,b\n" + String(repeating: "1\n", count: 10) + "1,\"open\n" + String(repeating: "\u{0}\n", count: 5000)
        let lateProblems = CSVTable.parse(Data(late.utf8), file: "p.csv").problemLines
        #expect(lateProblems.count == 1001)
        #expect(lateProblems[9] == "p.csv:11: 1 cell where the header has 2")
        #expect(lateProblems[10] == "p.csv:12: a quoted cell is never closed (it starts in column 2)")
        #expect(lateProblems[11] == "p.csv:13: a NUL byte at column 1")
        #expect(lateProblems[999] == "p.csv:1001: a NUL byte at column 1")
        #expect(lateProblems.last == "p.csv:1002: 4011 more problems are not listed")
    }

    // MARK: Round trip and size

    @Test(arguments: [1, 2, 3, 4, 5])
    func randomCellsRoundTrip(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let alphabet: [Unicode.Scalar] = ["a", "b", "Z", "0", " ", ",", ";", "\t", "\"", "\r", "\n", "é", "東", "🚀", "\u{301}", "\u{FEFF}", "'"]
        let separators: [Character] = [",", ";", "\t"]
        let endings = ["\n", "\r\n", "\r"]
        let separator = separators[Int(random.next() % 3)]
        let columns = 5

        var text = (1...columns).map { "c\($0)" }.joined(separator: String(separator)) + endings[Int(random.next() % 3)]
        var line = 2
        var expected: [(line: Int, cells: [String])] = []
        for _ in 0..<40 {
            var cells: [String] = []
            var written: [String] = []
            var breaks = 0
            for _ in 0..<columns {
                var scalars = String.UnicodeScalarView()
                var last: Unicode.Scalar?
                for _ in 0..<Int(random.next() % 8) {
                    let scalar = alphabet[Int(random.next() % UInt64(alphabet.count))]
                    if scalar == "\n", last == "\r" { continue }  // CRLF inside quotes reads back as LF
                    if scalar == "\r" || scalar == "\n" { breaks += 1 }
                    scalars.append(scalar)
                    last = scalar
                }
                let cell = String(scalars)
                cells.append(cell)
                let needsQuotes = cell.unicodeScalars.contains { $0 == "\"" || $0 == "\r" || $0 == "\n" || Character($0) == separator }
                if needsQuotes || random.next() % 4 == 0 {
                    // Doubled scalar by scalar: a quote followed by U+0301 is one Character.
                    var quoted = String.UnicodeScalarView(["\""])
                    for scalar in cell.unicodeScalars {
                        quoted.append(scalar)
                        if scalar == "\"" { quoted.append(scalar) }
                    }
                    quoted.append("\"")
                    written.append(String(quoted))
                } else {
                    written.append(cell)
                }
            }
            expected.append((line, cells))
            text += written.joined(separator: String(separator)) + endings[Int(random.next() % 3)]
            line += breaks + 1
        }

        let table = try CSVTable.parse(Data(text.utf8), file: "r.csv").get()
        #expect(table.separator == separator)
        #expect(table.rows.count == expected.count)
        for (row, want) in zip(table.rows, expected) {
            #expect(row.line == want.line)
            #expect(row.cells == want.cells)
        }
    }

    /// Random bytes, mostly the ones that matter to the reader: never a crash, problems in line order.
    @Test func randomBytesNeverCrash() {
        var random = SeededGenerator(seed: 42)
        let interesting: [UInt8] = [0x22, 0x2C, 0x3B, 0x09, 0x0D, 0x0A, 0x00, 0x61, 0x20, 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0xEF, 0xBB, 0xBF, 0xFF]
        for _ in 0..<3000 {
            let count = Int(random.next() % 48)
            let input = (0..<count).map { _ in
                random.next() % 8 == 0 ? UInt8(truncatingIfNeeded: random.next()) : interesting[Int(random.next() % UInt64(interesting.count))]
            }
            switch CSVTable.parse(Data(input), file: "f.csv") {
            case .success(let table):
                #expect(table.rows.allSatisfy { $0.cells.count == table.header.count })
                #expect(table.rows.map(\.line) == table.rows.map(\.line).sorted())
            case .failure(let problems):
                #expect(!problems.problems.isEmpty)
                #expect(problems.problems.map(\.line) == problems.problems.map(\.line).sorted())
            }
        }
    }

    @Test func twoHundredThousandRows() throws {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(200_000 * 40)
        bytes.append(contentsOf: "id,name,email\n".utf8)
        for index in 0..<200_000 {
            let number = String(index)
            bytes.append(contentsOf: number.utf8)
            bytes.append(contentsOf: ",\"Name ".utf8)
            bytes.append(contentsOf: number.utf8)
            bytes.append(contentsOf: "\",n".utf8)
            bytes.append(contentsOf: number.utf8)
            bytes.append(contentsOf: "@example.com\r\n".utf8)
        }
        let table = try CSVTable.parse(Data(bytes), file: "big.csv").get()
        #expect(table.rows.count == 200_000)
        #expect(table.rows.last?.line == 200_001)
        #expect(table.rows.last?.cells == ["199999", "Name 199999", "n199999@example.com"])
    }
}

extension Result where Success == CSVTable, Failure == CSVProblems {
    /// The problems as `FILE:LINE: message`, or none when the file was read.
    fileprivate var problemLines: [String] {
        switch self {
        case .success: []
        case .failure(let problems): problems.problems.map(\.description)
        }
    }
}
