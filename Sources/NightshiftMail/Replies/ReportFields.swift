/// A group of `Name: value` fields from the body of a report part (`message/delivery-status`,
/// `message/feedback-report`): RFC 822-style fields, continuation lines unfolded, names looked
/// up ignoring case.
struct ReportFieldGroup {
    var fields: [(name: String, value: String)] = []

    /// The value of the first field called `name`, trimmed.
    func value(_ name: String) -> String? {
        let lower = name.lowercased()
        return fields.first { $0.name.lowercased() == lower }?.value
    }

    /// The groups in `text`: blank lines separate them (a DSN's per-message fields, then one
    /// group per recipient). At most `limit` groups and 200 fields per group are read.
    static func groups(in text: String, limit: Int = 500) -> [ReportFieldGroup] {
        var groups: [ReportFieldGroup] = []
        var current = ReportFieldGroup()
        func finish() {
            if !current.fields.isEmpty { groups.append(current) }
            current = ReportFieldGroup()
        }
        for line in normalizingLineBreaks(text).split(separator: "\n", omittingEmptySubsequences: false) {
            if groups.count >= limit { break }
            if isBlank(line) {
                finish()
                continue
            }
            if let first = line.unicodeScalars.first, first == " " || first == "\t" {
                if let last = current.fields.indices.last, current.fields[last].value.utf8.count < 4_000 {
                    current.fields[last].value += " " + line.trimmingASCIIWhitespace()
                }
                continue
            }
            guard current.fields.count < 200, let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingASCIIWhitespace()
            guard !name.isEmpty, name.utf8.count <= 64, !name.contains(" ") else { continue }
            current.fields.append((name, String(line[line.index(after: colon)...].prefix(4_000)).trimmingASCIIWhitespace()))
        }
        finish()
        return groups
    }
}

/// Reading the values of report fields.
enum ReportValues {
    /// The address of a typed address field (`rfc822; a@b`, `utf-8; jürgen@…`), without angle
    /// brackets; `\x{FC}` escapes (RFC 6533's utf-8 type) decoded.
    static func address(_ value: String) -> String {
        var address = Substring(value)
        if let semicolon = value.firstIndex(of: ";") { address = value[value.index(after: semicolon)...] }
        var text = address.trimmingASCIIWhitespace()
        if text.hasPrefix("<"), text.hasSuffix(">"), text.count >= 2 { text = String(text.dropFirst().dropLast()) }
        if let comment = text.firstIndex(of: " ") { text = String(text[..<comment]) }
        return decodingUnicodeEscapes(text)
    }

    /// `\x{HEX}` sequences made the scalars they name; anything else kept.
    static func decodingUnicodeEscapes(_ text: String) -> String {
        guard text.contains("\\x{") else { return text }
        let scalars = Array(text.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            if scalars[index] == "\\", index + 3 < scalars.count, scalars[index + 1] == "x", scalars[index + 2] == "{",
                let close = scalars[(index + 3)..<min(scalars.count, index + 10)].firstIndex(of: "}"),
                let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 3)..<close])), radix: 16),
                let scalar = Unicode.Scalar(value)
            {
                output.append(scalar)
                index = close + 1
                continue
            }
            output.append(scalars[index])
            index += 1
        }
        return String(output)
    }

    /// The text of a `Diagnostic-Code` without its type (`smtp; 550 …` → `550 …`), white space
    /// collapsed.
    static func diagnostic(_ value: String) -> String {
        var text = Substring(value)
        if let semicolon = value.firstIndex(of: ";"), value[..<semicolon].count <= 12 { text = value[value.index(after: semicolon)...] }
        return text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The first enhanced status code (RFC 3463, `5.1.1`) in `text` whose class is one of
    /// `classes`, not part of a longer number or a dotted address.
    static func enhancedStatus(in text: Substring, classes: String = "245") -> (code: String, offset: Int)? {
        let bytes = Array(text.utf8.prefix(200_000))
        let wanted = Set(classes.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            defer { index += 1 }
            guard wanted.contains(byte) else { continue }
            if index > 0, isDigitOrDot(bytes[index - 1]) { continue }
            guard index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: ".") else { continue }
            var position = index + 2
            let second = digits(bytes, from: &position, maximum: 3)
            guard second > 0, position < bytes.count, bytes[position] == UInt8(ascii: ".") else { continue }
            position += 1
            let third = digits(bytes, from: &position, maximum: 3)
            guard third > 0, position >= bytes.count || !isDigitOrDot(bytes[position]) || isSentenceEnd(bytes, position) else { continue }
            return (String(decoding: bytes[index..<position], as: UTF8.self), index)
        }
        return nil
    }

    /// The first SMTP reply code of class 4 or 5 (`550`, `452`) in `text`, followed by a space
    /// or a hyphen and not part of a longer number.
    static func basicCode(in text: Substring) -> (code: String, offset: Int)? {
        let bytes = Array(text.utf8.prefix(200_000))
        var index = 0
        while index + 3 < bytes.count {
            defer { index += 1 }
            let first = bytes[index]
            guard first == UInt8(ascii: "4") || first == UInt8(ascii: "5") else { continue }
            if index > 0, isDigitOrDot(bytes[index - 1]) || isLetter(bytes[index - 1]) { continue }
            guard isDigit(bytes[index + 1]), isDigit(bytes[index + 2]), bytes[index + 3] == 0x20 || bytes[index + 3] == UInt8(ascii: "-") else {
                continue
            }
            guard (0...5).contains(bytes[index + 1] - UInt8(ascii: "0")) else { continue }
            return (String(decoding: bytes[index..<(index + 3)], as: UTF8.self), index)
        }
        return nil
    }

    /// The status a diagnostic implies when the `Status` field is missing: its enhanced code, or
    /// `5.0.0` / `4.0.0` from its reply code; empty when it has neither.
    static func impliedStatus(_ diagnostic: String) -> String {
        if let enhanced = enhancedStatus(in: Substring(diagnostic), classes: "45") { return enhanced.code }
        if let basic = basicCode(in: Substring(diagnostic)) { return "\(basic.code.prefix(1)).0.0" }
        return ""
    }

    private static func digits(_ bytes: [UInt8], from position: inout Int, maximum: Int) -> Int {
        var count = 0
        while position < bytes.count, count < maximum, isDigit(bytes[position]) {
            position += 1
            count += 1
        }
        if position < bytes.count, isDigit(bytes[position]) { return 0 }
        return count
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    private static func isDigitOrDot(_ byte: UInt8) -> Bool { isDigit(byte) || byte == UInt8(ascii: ".") }
    /// A dot ending a sentence ("… (#5.1.1).") rather than continuing a number.
    private static func isSentenceEnd(_ bytes: [UInt8], _ position: Int) -> Bool {
        bytes[position] == UInt8(ascii: ".") && (position + 1 >= bytes.count || !isDigit(bytes[position + 1]))
    }
}
