import Foundation

/// One unfolded content line of a calendar file: `NAME;PARAM=VALUE;…:VALUE`.
///
/// Names and parameter names are uppercased, since RFC 5545 compares them without case; parameter
/// values lose their quotes; the value is kept raw, for the reader of each property to decode.
struct ICSContentLine: Sendable {
    var name: String
    var parameters: [String: String]
    var value: String
    /// The 1-based physical line where the content line starts.
    var line: Int

    /// The parameter's value, e.g. `parameter("TZID")`.
    func parameter(_ name: String) -> String? { parameters[name] }

    /// The logical lines of `text`, each with the physical line on which it starts.
    ///
    /// Lines end with CRLF or LF; a line that begins with a space or tab continues the one before it
    /// (without that first character). Folding may split a UTF-8 sequence, so lines are joined as
    /// bytes and decoded afterwards. Blank lines are dropped.
    static func unfold(_ text: String, file: String) throws(ICSError) -> [(text: String, line: Int)] {
        var logical: [(bytes: [UInt8], line: Int)] = []
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            let next = end + 1
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            let physical = bytes[start..<end]
            start = next
            if let first = physical.first, first == 0x20 || first == 0x09 {
                guard !logical.isEmpty else {
                    throw ICSError(code: .malformedLine, file: file, line: lineNumber,
                                   message: "a continuation line (one starting with a space or tab) must follow a content line")
                }
                logical[logical.count - 1].bytes += physical.dropFirst()
            } else if !physical.isEmpty {
                logical.append((Array(physical), lineNumber))
            }
        }
        return logical.map { (String(decoding: $0.bytes, as: UTF8.self), $0.line) }
    }

    /// Splits one logical line into name, parameters and value.
    init(parsing text: String, line: Int, file: String) throws(ICSError) {
        func fail(_ message: String) -> ICSError { ICSError(code: .malformedLine, file: file, line: line, message: message) }
        let scalars = Array(text.unicodeScalars)
        var index = 0
        func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-")
        }
        func readName() -> String {
            let begin = index
            while index < scalars.count, isNameScalar(scalars[index]) { index += 1 }
            return String(String.UnicodeScalarView(scalars[begin..<index])).uppercased()
        }
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        let name = readName()
        guard index < scalars.count, scalars[index] == ";" || scalars[index] == ":" else {
            guard text.contains(":") else {
                throw fail("\"\(shown)\" has no colon; a content line is NAME[;PARAM=VALUE]:VALUE, e.g. SUMMARY:Gym")
            }
            throw fail("\"\(shown)\" does not start with a property name (letters, digits and '-') followed by ';' or ':'")
        }
        guard !name.isEmpty else { throw fail("\"\(shown)\" has no property name before the '\(scalars[index])'") }
        var parameters: [String: String] = [:]
        while scalars[index] == ";" {
            index += 1
            let parameter = readName()
            guard !parameter.isEmpty, index < scalars.count, scalars[index] == "=" else {
                throw fail("a parameter of \(name) is not NAME=VALUE; write e.g. \(name);TZID=Europe/Berlin:…")
            }
            index += 1
            var values: [String] = []
            repeat {
                if index < scalars.count, scalars[index] == "," { index += 1 }
                var value = String.UnicodeScalarView()
                if index < scalars.count, scalars[index] == "\"" {
                    index += 1
                    while index < scalars.count, scalars[index] != "\"" { value.append(scalars[index]); index += 1 }
                    guard index < scalars.count else { throw fail("parameter \(parameter) of \(name) has an opening quote but no closing one") }
                    index += 1
                } else {
                    while index < scalars.count, !";:,".unicodeScalars.contains(scalars[index]) { value.append(scalars[index]); index += 1 }
                }
                values.append(String(value))
            } while index < scalars.count && scalars[index] == ","
            guard index < scalars.count else { throw fail("\(name) has no colon before its value; write NAME[;PARAM=VALUE]:VALUE") }
            parameters[parameter] = values.joined(separator: ",")
        }
        self.name = name
        self.parameters = parameters
        value = String(String.UnicodeScalarView(scalars[(index + 1)...]))
        self.line = line
    }

    /// A TEXT value with its escapes resolved: `\,` `\;` `\\` and `\n` (or `\N`) for a line break.
    static func text(_ raw: some StringProtocol) -> String {
        var result = ""
        var escaped = false
        for character in raw {
            if escaped {
                result.append(character == "n" || character == "N" ? "\n" : character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// A comma-separated list of TEXT values (`CATEGORIES:Gym,Health`), split at unescaped commas.
    static func textList(_ raw: String) -> [String] {
        var items: [Substring] = []
        var start = raw.startIndex
        var escaped = false
        for index in raw.indices {
            if escaped { escaped = false; continue }
            if raw[index] == "\\" { escaped = true } else if raw[index] == "," {
                items.append(raw[start..<index])
                start = raw.index(after: index)
            }
        }
        items.append(raw[start...])
        return items.map { text($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
