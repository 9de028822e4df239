import Foundation
import NightshiftCore

/// Reads the records ``Prospect/stored`` writes, straight from their UTF-8 bytes.
///
/// A night reads every prospect at least once (rescore, dedupe, buckets): a million records through
/// Foundation's `JSONDecoder` took about 30 µs each, this reader a fraction of that. It accepts any
/// JSON object of the record's members in any order (unknown members are skipped, as the decoder
/// did), and refuses what is not JSON or has a member of the wrong type, naming the member and the
/// byte offset. It is for the store's own records; what operators and servers send goes through
/// the strict reader.
struct StoredProspectReader {
    /// One member of the record as read.
    struct Record {
        var id: String?
        var tenant: String?
        var state: String?
        var createdAt: Int64?
        var updatedAt: Int64?
        var name: String?
        var firstName: String?
        var lastName: String?
        var emails: [String] = []
        var company: String?
        var domain: String?
        var title: String?
        var phone: String?
        var source: String?
        var externalIDs: [String] = []
        var stateReason: String?
        var bucketMonth: String?
        var score: Double?
        var scoreParts: [ScorePart] = []
        var flags: [String] = []
        var custom: [String: String] = [:]
        var lastTouchAt: Int64?
        var sourcedAt: Int64?
        var changedAt: Int64?
        var bouncedAt: Int64?
        var assessedAt: Int64?
        var researchedAt: Int64?
        var repliedAt: Int64?
        var pausedUntil: Int64?
    }

    /// What is wrong, and where.
    struct Failure: Error, CustomStringConvertible {
        let message: String
        let offset: Int
        var description: String { "\(message) at byte \(offset)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    /// How deep skipped values may nest.
    private static let maximumDepth = 64

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Reads one stored record.
    static func read(_ text: String) throws(Failure) -> Record {
        var text = text
        let result: Result<Record, Failure> = text.withUTF8 { bytes in
            var reader = StoredProspectReader(bytes)
            do throws(Failure) {
                let record = try reader.record()
                reader.skipSpace()
                guard reader.index == bytes.count else { throw reader.failure("text after the record") }
                return .success(record)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: The record

    private mutating func record() throws(Failure) -> Record {
        var record = Record()
        try expect(UInt8(ascii: "{"), "the record does not start with {")
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return record
        }
        while true {
            skipSpace()
            let key = try string()
            skipSpace()
            try expect(UInt8(ascii: ":"), "no : after \"\(key)\"")
            skipSpace()
            try member(key, into: &record)
            skipSpace()
            guard let next = peek() else { throw failure("the record ends inside it") }
            index += 1
            if next == UInt8(ascii: "}") { return record }
            guard next == UInt8(ascii: ",") else { throw failure("no , or } after \"\(key)\"") }
        }
    }

    private mutating func member(_ key: String, into record: inout Record) throws(Failure) {
        switch key {
        case "id": record.id = try text(key)
        case "tenant": record.tenant = try text(key)
        case "state": record.state = try text(key)
        case "created_at": record.createdAt = try integer(key)
        case "updated_at": record.updatedAt = try integer(key)
        case "name": record.name = try text(key)
        case "first_name": record.firstName = try text(key)
        case "last_name": record.lastName = try text(key)
        case "emails": record.emails = try strings(key)
        case "company": record.company = try text(key)
        case "domain": record.domain = try text(key)
        case "title": record.title = try text(key)
        case "phone": record.phone = try text(key)
        case "source": record.source = try text(key)
        case "external_ids": record.externalIDs = try strings(key)
        case "state_reason": record.stateReason = try text(key)
        case "bucket_month": record.bucketMonth = try text(key)
        case "score": record.score = try number(key)
        case "score_parts": record.scoreParts = try scoreParts()
        case "flags": record.flags = try strings(key)
        case "custom": record.custom = try stringObject(key)
        case "last_touch_at": record.lastTouchAt = try integer(key)
        case "sourced_at": record.sourcedAt = try integer(key)
        case "changed_at": record.changedAt = try integer(key)
        case "bounced_at": record.bouncedAt = try integer(key)
        case "assessed_at": record.assessedAt = try integer(key)
        case "researched_at": record.researchedAt = try integer(key)
        case "replied_at": record.repliedAt = try integer(key)
        case "paused_until": record.pausedUntil = try integer(key)
        default: try skipValue(depth: 0)
        }
    }

    // MARK: Values

    /// A string or null.
    private mutating func text(_ key: String) throws(Failure) -> String? {
        if takeNull() { return nil }
        guard peek() == UInt8(ascii: "\"") else { throw failure("\"\(key)\" is not a string") }
        return try string()
    }

    /// A whole number or null.
    private mutating func integer(_ key: String) throws(Failure) -> Int64? {
        if takeNull() { return nil }
        let start = index
        var negative = false
        if peek() == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            let (times, overflowTimes) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowSum) = times.addingReportingOverflow(Int64(byte - UInt8(ascii: "0")))
            guard !overflowTimes, !overflowSum else { throw failure("\"\(key)\" is too large", at: start) }
            value = sum
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw failure("\"\(key)\" is not a whole number", at: start) }
        if let byte = peek(), byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw failure("\"\(key)\" is not a whole number", at: start)
        }
        return negative ? -value : value
    }

    /// A number or null.
    private mutating func number(_ key: String) throws(Failure) -> Double? {
        if takeNull() { return nil }
        let start = index
        while let byte = peek(), Self.isNumberByte(byte) { index += 1 }
        guard index > start, let value = Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) else {
            throw failure("\"\(key)\" is not a number", at: start)
        }
        return value
    }

    /// An array of strings, or null (read as empty).
    private mutating func strings(_ key: String) throws(Failure) -> [String] {
        if takeNull() { return [] }
        try expect(UInt8(ascii: "["), "\"\(key)\" is not an array")
        var values: [String] = []
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return values
        }
        while true {
            skipSpace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("\"\(key)\" holds something other than strings") }
            values.append(try string())
            skipSpace()
            guard let next = peek() else { throw failure("\"\(key)\" ends inside it") }
            index += 1
            if next == UInt8(ascii: "]") { return values }
            guard next == UInt8(ascii: ",") else { throw failure("no , or ] in \"\(key)\"") }
        }
    }

    /// An object of strings, or null (read as empty).
    private mutating func stringObject(_ key: String) throws(Failure) -> [String: String] {
        if takeNull() { return [:] }
        try expect(UInt8(ascii: "{"), "\"\(key)\" is not an object")
        var values: [String: String] = [:]
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return values
        }
        while true {
            skipSpace()
            let name = try string()
            skipSpace()
            try expect(UInt8(ascii: ":"), "no : after \"\(name)\" in \"\(key)\"")
            skipSpace()
            guard peek() == UInt8(ascii: "\"") else { throw failure("\"\(key)\".\"\(name)\" is not a string") }
            values[name] = try string()
            skipSpace()
            guard let next = peek() else { throw failure("\"\(key)\" ends inside it") }
            index += 1
            if next == UInt8(ascii: "}") { return values }
            guard next == UInt8(ascii: ",") else { throw failure("no , or } in \"\(key)\"") }
        }
    }

    /// `score_parts`: an array of `{"label": …, "points": …}`, or null (read as empty).
    private mutating func scoreParts() throws(Failure) -> [ScorePart] {
        if takeNull() { return [] }
        try expect(UInt8(ascii: "["), "\"score_parts\" is not an array")
        var parts: [ScorePart] = []
        skipSpace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return parts
        }
        while true {
            skipSpace()
            try expect(UInt8(ascii: "{"), "a score part is not an object")
            var label: String?
            var points: Double?
            skipSpace()
            if peek() != UInt8(ascii: "}") {
                while true {
                    skipSpace()
                    let name = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"), "no : after \"\(name)\" in a score part")
                    skipSpace()
                    switch name {
                    case "label": label = try text("label")
                    case "points": points = try number("points")
                    default: try skipValue(depth: 0)
                    }
                    skipSpace()
                    guard let next = peek() else { throw failure("a score part ends inside it") }
                    if next == UInt8(ascii: "}") { break }
                    index += 1
                    guard next == UInt8(ascii: ",") else { throw failure("no , or } in a score part") }
                }
            }
            index += 1
            guard let label, let points else { throw failure("a score part lacks its label or points") }
            parts.append(ScorePart(label, points))
            skipSpace()
            guard let next = peek() else { throw failure("\"score_parts\" ends inside it") }
            index += 1
            if next == UInt8(ascii: "]") { return parts }
            guard next == UInt8(ascii: ",") else { throw failure("no , or ] in \"score_parts\"") }
        }
    }

    // MARK: Tokens

    /// A string at `index` (its opening quote), with its escapes resolved.
    private mutating func string() throws(Failure) -> String {
        try expect(UInt8(ascii: "\""), "a string was expected")
        let start = index
        // The common case: no escape, so the bytes are the string.
        while let byte = peek(), byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw failure("a control character inside a string") }
            index += 1
        }
        guard let stop = peek() else { throw failure("a string does not end", at: start - 1) }
        if stop == UInt8(ascii: "\"") {
            index += 1
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
        }
        var unescaped = Array(bytes[start..<index])
        while true {
            guard let byte = peek() else { throw failure("a string does not end", at: start - 1) }
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: unescaped, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard let escape = peek() else { throw failure("a string does not end", at: start - 1) }
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case UInt8(ascii: "u"): try appendUnicodeEscape(to: &unescaped)
                default: throw failure("an unknown escape \\\(Character(Unicode.Scalar(escape)))", at: index - 2)
                }
            default:
                guard byte >= 0x20 else { throw failure("a control character inside a string", at: index - 1) }
                unescaped.append(byte)
            }
        }
    }

    /// `\uXXXX` (after the `u`), a surrogate pair's second half read with it.
    private mutating func appendUnicodeEscape(to buffer: inout [UInt8]) throws(Failure) {
        let start = index - 2
        var scalar = try hex4()
        if (0xD800...0xDBFF).contains(scalar) {
            guard peek() == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                throw failure("a lone surrogate in a \\u escape", at: start)
            }
            index += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("a lone surrogate in a \\u escape", at: start) }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw failure("a lone surrogate in a \\u escape", at: start)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw failure("an invalid \\u escape", at: start) }
        buffer.append(contentsOf: String(Character(unicode)).utf8)
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw failure("a \\u escape is cut short") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("a \\u escape with a non-hex digit")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// Skips one value of any kind: a member this reader does not know.
    private mutating func skipValue(depth: Int) throws(Failure) {
        guard depth < Self.maximumDepth else { throw failure("values nested too deep") }
        guard let byte = peek() else { throw failure("a value is missing") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            index += 1
            skipSpace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    _ = try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"), "no : in an object")
                    skipSpace()
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                guard let next = peek() else { throw failure("a value ends inside it") }
                index += 1
                if next == close { return }
                guard next == UInt8(ascii: ",") else { throw failure("no , between values") }
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default:
            let start = index
            while let byte = peek(), Self.isNumberByte(byte) { index += 1 }
            guard index > start, Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)) != nil else {
                throw failure("not a JSON value", at: start)
            }
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw failure("not a JSON value") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] {
            throw failure("not a JSON value")
        }
        index += count
    }

    private mutating func takeNull() -> Bool {
        guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "n"), bytes[index + 1] == UInt8(ascii: "u"),
              bytes[index + 2] == UInt8(ascii: "l"), bytes[index + 3] == UInt8(ascii: "l") else { return false }
        index += 4
        return true
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
    }

    private func peek() -> UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ message: String) throws(Failure) {
        guard peek() == byte else { throw failure(message) }
        index += 1
    }

    private func failure(_ message: String, at offset: Int? = nil) -> Failure {
        Failure(message: message, offset: offset ?? index)
    }
}
