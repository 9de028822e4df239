public import Foundation

/// A CSV file read strictly as RFC 4180 writes it, for importing files the operator supplies
/// (prospect lists, for example).
///
/// ```swift
/// switch CSVTable.parse(data, file: "prospects.csv") {
/// case .success(let table): …                    // table.header, table.rows
/// case .failure(let problems): print(problems)   // prospects.csv:7: 3 cells where the header has 5
/// }
/// ```
///
/// The first line is the header. The separator is whichever of `,` `;` or a tab occurs most often
/// in it (a comma when none does, or on a tie). A cell that starts with `"` is quoted: inside it a
/// doubled quote (`""`) is one quote, and separators and line breaks are part of the cell. Lines
/// may end in CRLF, LF or a lone CR. The file must be UTF-8; a byte-order mark at its start is
/// skipped. Empty lines are skipped. Anything else that is not well-formed is a problem, and every
/// problem in the file is reported at once, with its line, rather than only the first.
///
/// The reader works on the bytes in one pass without recursion, so its time is linear in the size
/// of the file whatever the file holds.
public struct CSVTable: Sendable, Hashable {
    /// The header's cells, trimmed of surrounding white space, without the byte-order mark.
    ///
    /// Parsing itself is exact: spaces around a quoted cell are not skipped, so `a, "b"` has an
    /// unquoted second cell with a quote inside it, which is a problem.
    public var header: [String]

    /// The data rows, in file order, without the header and without empty lines.
    public var rows: [Row]

    /// The separator found in the header: `,`, `;` or a tab.
    public var separator: Character

    /// One record of the file after the header.
    public struct Row: Sendable, Hashable {
        /// The 1-based line on which the record starts (a quoted line break makes a record span lines).
        public var line: Int

        /// The cells exactly as written, with quoting undone and a CRLF inside quotes made `\n`.
        public var cells: [String]

        /// A row starting on `line` with `cells`.
        public init(line: Int, cells: [String]) {
            self.line = line
            self.cells = cells
        }
    }

    /// A table with the given header, rows and separator.
    public init(header: [String], rows: [Row], separator: Character) {
        self.header = header
        self.rows = rows
        self.separator = separator
    }

    /// A cell longer than this many bytes is a problem.
    public static let maximumCellBytes = 1 << 20

    /// A record with more cells than this is a problem.
    public static let maximumColumns = 1000

    /// At most this many problems are listed, followed by one saying how many more there are.
    public static let maximumProblems = 1000

    /// Parses `data`, naming `file` in the problems.
    ///
    /// The result is the table, or every problem found (see ``CSVProblems``), in line order.
    public static func parse(_ data: Data, file: String) -> Result<CSVTable, CSVProblems> {
        data.withUnsafeBytes { raw in
            raw.withMemoryRebound(to: UInt8.self) { bytes in
                var scanner = CSVScanner(bytes: bytes, file: file)
                return scanner.run()
            }
        }
    }
}

/// One thing wrong with a CSV file, and the line it is on.
public struct CSVProblem: Sendable, Hashable, CustomStringConvertible {
    /// The file's name, as given to ``CSVTable/parse(_:file:)``.
    public var file: String

    /// The 1-based line of the problem.
    public var line: Int

    /// What is wrong, in lower case, e.g. `3 cells where the header has 5`.
    public var message: String

    /// A problem in `file` on `line`.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`, e.g. `prospects.csv:7: 3 cells where the header has 5`.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Every problem found in a CSV file: why ``CSVTable/parse(_:file:)`` returned no table.
public struct CSVProblems: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems in line order. After ``CSVTable/maximumProblems`` of them, one last problem
    /// says how many more were found.
    public var problems: [CSVProblem]

    /// The given problems.
    public init(_ problems: [CSVProblem]) {
        self.problems = problems
    }

    /// One problem per line, each as `FILE:LINE: message`.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}

// MARK: - The scanner

private let byteQuote: UInt8 = 0x22
private let byteComma: UInt8 = 0x2C
private let byteSemicolon: UInt8 = 0x3B
private let byteTab: UInt8 = 0x09
private let byteCR: UInt8 = 0x0D
private let byteLF: UInt8 = 0x0A

/// One kind of problem with its details; the message is only written for the problems listed.
private enum Issue {
    case ragged(cells: Int, header: Int)
    case unnamedHeaderColumn(Int)
    case duplicateHeader(String, first: Int, second: Int)
    case tooManyColumns
    case quoteInUnquotedCell(column: Int)
    case textAfterClosingQuote(column: Int)
    case quoteNeverClosed(column: Int)
    case cellTooLong(column: Int)
    case nul(column: Int)
    case notUTF8(byte: UInt8, column: Int)

    var message: String {
        switch self {
        case .ragged(let cells, let header):
            "\(cells) \(cells == 1 ? "cell" : "cells") where the header has \(header)"
        case .unnamedHeaderColumn(let column):
            "the header's column \(column) has no name"
        case .duplicateHeader(let name, let first, let second):
            "the header names \"\(name)\" twice (columns \(first) and \(second))"
        case .tooManyColumns:
            "more than \(CSVTable.maximumColumns) columns"
        case .quoteInUnquotedCell(let column):
            "a quote inside an unquoted cell in column \(column); quote the whole cell and double the quote"
        case .textAfterClosingQuote(let column):
            "text after a closing quote in column \(column)"
        case .quoteNeverClosed(let column):
            "a quoted cell is never closed (it starts in column \(column))"
        case .cellTooLong(let column):
            "a cell over 1 MiB in column \(column)"
        case .nul(let column):
            "a NUL byte at column \(column)"
        case .notUTF8(let byte, let column):
            "not UTF-8 text (byte 0x\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16, uppercase: true)) at column \(column)); save the file as UTF-8"
        }
    }
}

/// The problems found so far, keeping only the first ``CSVTable/maximumProblems`` in line order so
/// that a hostile file with millions of problems takes bounded memory and time.
private struct ProblemCollector {
    struct Entry {
        var line: Int
        var order: Int
        var issue: Issue
    }

    let limit = CSVTable.maximumProblems
    var entries: [Entry] = []
    /// How many problems were reported in all.
    var total = 0
    /// How many were dropped because at least `limit` problems come before them.
    var omitted = 0
    var firstOmittedLine = Int.max
    /// Once the list was cut, a problem on this line or after it cannot be among the first `limit`.
    var cutoffLine = Int.max

    var isEmpty: Bool { total == 0 }

    mutating func add(line: Int, _ issue: Issue) {
        total += 1
        if line >= cutoffLine {
            omitted += 1
            firstOmittedLine = min(firstOmittedLine, line)
            return
        }
        entries.append(Entry(line: line, order: total, issue: issue))
        if entries.count >= 4 * limit { compact() }
    }

    /// Sorts the entries by line (then by the order they were found) and keeps the first `limit`.
    private mutating func compact() {
        entries.sort { ($0.line, $0.order) < ($1.line, $1.order) }
        guard entries.count > limit else { return }
        omitted += entries.count - limit
        firstOmittedLine = min(firstOmittedLine, entries[limit].line)
        entries.removeSubrange(limit...)
        cutoffLine = entries[limit - 1].line
    }

    mutating func finish(file: String) -> CSVProblems {
        compact()
        var problems = entries.map { CSVProblem(file: file, line: $0.line, message: $0.issue.message) }
        if omitted > 0 {
            let message = omitted == 1 ? "1 more problem is not listed" : "\(omitted) more problems are not listed"
            problems.append(CSVProblem(file: file, line: firstOmittedLine, message: message))
        }
        return CSVProblems(problems)
    }
}

/// One pass over the bytes of a CSV file.
private struct CSVScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    let file: String
    let end: Int
    /// The next byte to read.
    var i: Int
    var separator = byteComma
    /// The 1-based physical line of byte `i`, and the offset at which that line starts.
    var line = 1
    var lineStart: Int
    /// The last line on which a NUL byte, or a byte that is not UTF-8, was reported (once per line).
    var lastNULLine = 0
    var lastUTF8Line = 0
    var problems = ProblemCollector()
    /// The bytes of a quoted cell whose content is not one contiguous run (`""` or CRLF inside).
    var scratch: [UInt8] = []

    // The record being read.
    var cells: [String] = []
    /// How many cells the record has so far (counted past ``CSVTable/maximumColumns``).
    var column = 0
    /// Whether the record ended in a quoted cell that is never closed.
    var openEnded = false
    /// Columns of the record whose cell was too long to keep (an empty cell stands in for each).
    var oversized: [Int] = []

    init(bytes: UnsafeBufferPointer<UInt8>, file: String) {
        self.bytes = bytes
        self.file = file
        self.end = bytes.count
        let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        self.i = hasBOM ? 3 : 0
        self.lineStart = self.i
    }

    mutating func run() -> Result<CSVTable, CSVProblems> {
        skipEmptyLines()
        guard i < end else {
            return .failure(CSVProblems([CSVProblem(file: file, line: 1, message: "the file is empty; its first line must be the header")]))
        }
        detectSeparator()

        let headerLine = line
        readRecord(expecting: 8, keep: true)
        let header = cells.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let headerCount = column
        checkHeader(header, line: headerLine)

        var rows: [CSVTable.Row] = []
        while true {
            skipEmptyLines()
            guard i < end else { break }
            let recordLine = line
            readRecord(expecting: headerCount, keep: problems.isEmpty)
            if column <= CSVTable.maximumColumns, !openEnded, column != headerCount {
                problems.add(line: recordLine, .ragged(cells: column, header: headerCount))
            }
            if problems.isEmpty {
                rows.append(CSVTable.Row(line: recordLine, cells: cells))
            }
        }

        guard problems.isEmpty else { return .failure(problems.finish(file: file)) }
        let separatorCharacter = Character(Unicode.Scalar(separator))
        return .success(CSVTable(header: header, rows: rows, separator: separatorCharacter))
    }

    // MARK: Header

    /// Picks the most frequent of `,` `;` and tab on the first record, outside quoted cells.
    mutating func detectSeparator() {
        var commas = 0
        var semicolons = 0
        var tabs = 0
        var j = i
        var atCellStart = true
        scan: while j < end {
            let b = bytes[j]
            if b == byteQuote, atCellStart {
                // A quoted cell: skip to its closing quote (a doubled quote is part of it).
                j += 1
                while j < end {
                    if bytes[j] == byteQuote {
                        if j + 1 < end, bytes[j + 1] == byteQuote {
                            j += 2
                            continue
                        }
                        break
                    }
                    j += 1
                }
                j += 1
                atCellStart = false
                continue
            }
            atCellStart = false
            switch b {
            case byteCR, byteLF: break scan
            case byteComma: commas += 1; atCellStart = true
            case byteSemicolon: semicolons += 1; atCellStart = true
            case byteTab: tabs += 1; atCellStart = true
            default: break
            }
            j += 1
        }
        if semicolons > commas, semicolons > tabs {
            separator = byteSemicolon
        } else if tabs > commas, tabs > semicolons {
            separator = byteTab
        } else {
            separator = byteComma
        }
    }

    mutating func checkHeader(_ header: [String], line headerLine: Int) {
        var firstColumn: [String: Int] = [:]
        for (index, name) in header.enumerated() {
            let column = index + 1
            if oversized.contains(column) { continue }
            if name.isEmpty {
                problems.add(line: headerLine, .unnamedHeaderColumn(column))
                continue
            }
            let key = name.lowercased()
            if let first = firstColumn[key] {
                problems.add(line: headerLine, .duplicateHeader(header[first - 1], first: first, second: column))
            } else {
                firstColumn[key] = column
            }
        }
    }

    // MARK: Records

    /// Skips lines with no characters at all.
    mutating func skipEmptyLines() {
        while i < end, bytes[i] == byteCR || bytes[i] == byteLF {
            endLine()
        }
    }

    /// Steps over the line break at `i` (CRLF, LF or CR) and counts the line.
    mutating func endLine() {
        if bytes[i] == byteCR, i + 1 < end, bytes[i + 1] == byteLF {
            i += 2
        } else {
            i += 1
        }
        line += 1
        lineStart = i
    }

    /// Reads one record into `cells` (decoding them only when `keep`), and its line break.
    mutating func readRecord(expecting expected: Int, keep: Bool) {
        cells = []
        cells.reserveCapacity(min(max(expected, 1), CSVTable.maximumColumns))
        column = 0
        openEnded = false
        if !oversized.isEmpty { oversized = [] }
        let recordLine = line
        while true {
            column += 1
            if column == CSVTable.maximumColumns + 1 {
                problems.add(line: recordLine, .tooManyColumns)
            }
            let keepCell = keep && column <= CSVTable.maximumColumns
            if i < end, bytes[i] == byteQuote {
                readQuotedCell(keep: keepCell)
                if openEnded { return }
            } else {
                readUnquotedCell(keep: keepCell)
            }
            // Now at a separator, a line break, or the end of the file.
            guard i < end else { return }
            if bytes[i] == separator {
                i += 1
                continue
            }
            endLine()
            return
        }
    }

    mutating func readUnquotedCell(keep: Bool) {
        let start = i
        var quoteReported = false
        while i < end {
            let b = bytes[i]
            if b > byteQuote, b < 0x80, b != separator {
                i += 1
                continue
            }
            if b == separator || b == byteCR || b == byteLF { break }
            if b >= 0x80 {
                i += utf8Step()
                continue
            }
            if b == byteQuote, !quoteReported {
                quoteReported = true
                problems.add(line: line, .quoteInUnquotedCell(column: column))
            } else if b == 0 {
                reportNUL()
            }
            i += 1
        }
        if i - start > CSVTable.maximumCellBytes {
            problems.add(line: line, .cellTooLong(column: column))
            if keep {
                oversized.append(column)
                cells.append("")
            }
        } else if keep {
            cells.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
        }
    }

    mutating func readQuotedCell(keep: Bool) {
        let startLine = line
        let cellColumn = column
        i += 1  // the opening quote
        var segmentStart = i
        /// Bytes of the cell before `segmentStart`; those are in `scratch` unless it got too long.
        var length = 0
        var usesScratch = false
        var tooLong = false
        if keep { scratch.removeAll(keepingCapacity: true) }

        while true {
            guard i < end else {
                problems.add(line: startLine, .quoteNeverClosed(column: cellColumn))
                openEnded = true
                return
            }
            let b = bytes[i]
            if b > byteQuote, b < 0x80 {
                i += 1
                continue
            }
            if b == byteQuote {
                if i + 1 < end, bytes[i + 1] == byteQuote {
                    // A doubled quote: keep the first, drop the second.
                    let segmentEnd = i + 1
                    length += segmentEnd - segmentStart
                    if keep, !tooLong {
                        if length > CSVTable.maximumCellBytes {
                            tooLong = true
                            scratch = []
                        } else {
                            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<segmentEnd]))
                            usesScratch = true
                        }
                    }
                    i += 2
                    segmentStart = i
                    continue
                }
                break  // the closing quote
            }
            switch b {
            case byteCR:
                if i + 1 < end, bytes[i + 1] == byteLF {
                    // CRLF inside quotes is kept as "\n".
                    length += i - segmentStart + 1
                    if keep, !tooLong {
                        if length > CSVTable.maximumCellBytes {
                            tooLong = true
                            scratch = []
                        } else {
                            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segmentStart..<i]))
                            scratch.append(byteLF)
                            usesScratch = true
                        }
                    }
                    i += 2
                    segmentStart = i
                } else {
                    i += 1
                }
                line += 1
                lineStart = i
            case byteLF:
                i += 1
                line += 1
                lineStart = i
            case 0:
                reportNUL()
                i += 1
            case 0x80...:
                i += utf8Step()
            default:
                i += 1
            }
        }

        // `i` is at the closing quote.
        let segmentEnd = i
        i += 1
        length += segmentEnd - segmentStart
        if length > CSVTable.maximumCellBytes {
            problems.add(line: startLine, .cellTooLong(column: cellColumn))
            if keep {
                oversized.append(cellColumn)
                cells.append("")
            }
            scratch = []
        } else if keep {
            let tail = UnsafeBufferPointer(rebasing: bytes[segmentStart..<segmentEnd])
            if usesScratch {
                scratch.append(contentsOf: tail)
                cells.append(String(decoding: scratch, as: UTF8.self))
            } else {
                cells.append(String(decoding: tail, as: UTF8.self))
            }
        }

        // After the closing quote only a separator or the end of the record may follow.
        guard i < end else { return }
        let next = bytes[i]
        if next == separator || next == byteCR || next == byteLF { return }
        problems.add(line: line, .textAfterClosingQuote(column: cellColumn))
        while i < end {
            let b = bytes[i]
            if b == separator || b == byteCR || b == byteLF { break }
            if b >= 0x80 {
                i += utf8Step()
                continue
            }
            if b == 0 { reportNUL() }
            i += 1
        }
    }

    // MARK: Bytes

    /// Reports the NUL byte at `i`, once per line.
    mutating func reportNUL() {
        guard lastNULLine != line else { return }
        lastNULLine = line
        problems.add(line: line, .nul(column: i - lineStart + 1))
    }

    /// The length of the UTF-8 sequence starting with the non-ASCII byte at `i`; when it is not
    /// UTF-8, reports it (once per line) and returns 1.
    mutating func utf8Step() -> Int {
        let length = utf8SequenceLength(at: i)
        if length > 0 { return length }
        if lastUTF8Line != line {
            lastUTF8Line = line
            problems.add(line: line, .notUTF8(byte: bytes[i], column: i - lineStart + 1))
        }
        return 1
    }

    /// The length of the well-formed UTF-8 sequence at `index` (Unicode's table 3-7), or 0.
    func utf8SequenceLength(at index: Int) -> Int {
        let lead = bytes[index]
        let continuations: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: continuations = 1
        case 0xE0: continuations = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: continuations = 2
        case 0xED: continuations = 2; high = 0x9F
        case 0xF0: continuations = 3; low = 0x90
        case 0xF1...0xF3: continuations = 3
        case 0xF4: continuations = 3; high = 0x8F
        default: return 0
        }
        guard end - index > continuations else { return 0 }
        let second = bytes[index + 1]
        guard second >= low, second <= high else { return 0 }
        var k = 2
        while k <= continuations {
            guard bytes[index + k] & 0xC0 == 0x80 else { return 0 }
            k += 1
        }
        return continuations + 1
    }
}

extension CSVTable {
    /// `cell` as RFC 4180 writes it: in quotes (a quote doubled) when it holds a comma, a
    /// semicolon, a tab, a quote or a line break, or starts or ends with a space; as is otherwise.
    public static func quoted(_ cell: String) -> String {
        let needsQuotes = cell.contains { $0 == "," || $0 == ";" || $0 == "\t" || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            || cell.hasPrefix(" ") || cell.hasSuffix(" ")
        return needsQuotes ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }
}
