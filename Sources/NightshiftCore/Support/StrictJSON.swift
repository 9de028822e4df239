public import Foundation

/// Reads JSON exactly as RFC 8259 writes it, for every JSON text that comes from the operator or an
/// agent (`--payload`, `--attr`, `--meta`, a webhook body, a step's `NIGHTSHIFT_OUTPUT`).
///
/// Foundation's parsers accept more than JSON: a trailing comma (`[1,]`), and duplicate keys, of
/// which the first wins in one and the last in another. A payload whose meaning depends on the
/// parser is refused here instead, with the place and the problem:
///
/// ```swift
/// try StrictJSON.parse(#"{"a": 1, "a": 2}"#)
/// // throws: 1:10: duplicate key "a"
/// ```
///
/// Also refused: a byte-order mark, comments, single quotes, `NaN` and `Infinity`, numbers with a
/// leading `+` or zero (`+1`, `01`) or too large for a `Double`, control characters in strings,
/// unknown escapes, lone UTF-16 surrogates (`"\uD800"`), nesting deeper than ``maximumDepth``, and
/// anything after the value. A number without fraction or exponent that fits in 64 bits is an
/// ``JSONValue/integer(_:)``; any other number a ``JSONValue/number(_:)``.
public enum StrictJSON {
    /// Arrays and objects nested deeper than this are refused (the parser recurses once per level).
    public static let maximumDepth = 128

    /// The value of `text`; throws a ``JSONSyntaxError`` naming the line, column and problem.
    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONSyntaxError> = text.withUTF8 { bytes in
            var parser = Parser(bytes: bytes)
            do throws(JSONSyntaxError) {
                return .success(try parser.document())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// The value of `data`, which must be UTF-8; an invalid byte is an error at its place.
    public static func parse(_ data: Data) throws(JSONSyntaxError) -> JSONValue {
        switch UTF8Text.decode(data) {
        case .success(let text):
            return try parse(text)
        case .failure(let invalid):
            throw JSONSyntaxError(.invalidUTF8, at: invalid.position, offset: invalid.offset, "invalid UTF-8 (byte 0x\(invalid.hexByte))")
        }
    }
}

/// A JSON text that ``StrictJSON`` refuses, with where and why.
///
/// `description` reads `LINE:COLUMN: problem`, e.g. `1:10: duplicate key "a"`; columns count
/// Unicode scalars from 1, as ``SourcePosition`` does.
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake was made; new kinds can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unexpectedEnd, unexpectedCharacter, trailingComma, duplicateKey, invalidNumber, numberOutOfRange
            case invalidString, invalidEscape, tooDeep, trailingContent, invalidUTF8
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The text ends inside a value (or is empty).
        public static let unexpectedEnd = Code(.unexpectedEnd)
        /// A character that cannot start or continue what is being read.
        public static let unexpectedCharacter = Code(.unexpectedCharacter)
        /// A comma right before `]` or `}`.
        public static let trailingComma = Code(.trailingComma)
        /// An object names the same key twice.
        public static let duplicateKey = Code(.duplicateKey)
        /// A number not written as JSON writes numbers (`+1`, `01`, `1.`, `.5`, `1e`).
        public static let invalidNumber = Code(.invalidNumber)
        /// A number too large for a 64-bit floating-point value.
        public static let numberOutOfRange = Code(.numberOutOfRange)
        /// A control character inside a string.
        public static let invalidString = Code(.invalidString)
        /// An unknown escape, a malformed `\u` escape or a lone surrogate.
        public static let invalidEscape = Code(.invalidEscape)
        /// Arrays and objects nested deeper than ``StrictJSON/maximumDepth``.
        public static let tooDeep = Code(.tooDeep)
        /// More text after the value.
        public static let trailingContent = Code(.trailingContent)
        /// Bytes that are not UTF-8.
        public static let invalidUTF8 = Code(.invalidUTF8)

        /// The code's name, such as `duplicateKey`.
        public var description: String { base.rawValue }
    }

    /// What kind of mistake was made.
    public var code: Code
    /// Where: 1-based line and column.
    public var position: SourcePosition
    /// Where, as a 0-based offset in the UTF-8 bytes.
    public var offset: Int
    /// The problem, without the place, e.g. `duplicate key "a"`.
    public var message: String

    init(_ code: Code, at position: SourcePosition, offset: Int, _ message: String) {
        self.code = code
        self.position = position
        self.offset = offset
        self.message = message
    }

    /// `LINE:COLUMN: problem`.
    public var description: String { "\(position): \(message)" }
}

extension StrictJSON {
    /// A recursive-descent reader over the UTF-8 bytes; it tracks the line and column as it goes.
    struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var depth = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func document() throws(JSONSyntaxError) -> JSONValue {
            skipWhitespace()
            let value = try self.value()
            skipWhitespace()
            if index < bytes.count { throw fail(.trailingContent, "unexpected \(shown(index)) after the JSON value") }
            return value
        }

        // MARK: Places and errors

        /// The position of byte `offset`, counted when an error needs it: newlines only occur
        /// between tokens, and columns count scalars, so continuation bytes do not count.
        func position(_ offset: Int) -> SourcePosition {
            var line = 1
            var column = 1
            for byte in bytes[..<offset] {
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
            }
            return SourcePosition(line: line, column: column)
        }

        func fail(_ code: JSONSyntaxError.Code, at offset: Int? = nil, _ message: String) -> JSONSyntaxError {
            let offset = offset ?? index
            return JSONSyntaxError(code, at: position(offset), offset: offset, message)
        }

        /// The character at `offset` as a message shows it, or "the end of the text".
        func shown(_ offset: Int) -> String {
            guard offset < bytes.count else { return "end of the text" }
            let byte = bytes[offset]
            if byte < 0x20 || byte == 0x7F { return "control character U+\(String(byte, radix: 16, uppercase: true).leftPadded(4))" }
            var end = offset + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<end]), as: UTF8.self)
            return "'\(text)'"
        }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D, 0x0A: index += 1
                default: return
                }
            }
        }

        // MARK: Values

        mutating func value() throws(JSONSyntaxError) -> JSONValue {
            guard index < bytes.count else { throw fail(.unexpectedEnd, "expected a value, found the end of the text") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object()
            case UInt8(ascii: "["): return try array()
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            case UInt8(ascii: "+"): throw fail(.invalidNumber, "a number may not start with '+'")
            default: throw fail(.unexpectedCharacter, "expected a value, found \(shown(index))")
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
            let start = index
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count,
                  UnsafeBufferPointer(start: word.utf8Start, count: count).elementsEqual(bytes[index..<index + count])
            else { throw fail(.unexpectedCharacter, at: start, "expected a value, found \(shown(start))") }
            index += count
        }

        mutating func enter() throws(JSONSyntaxError) {
            depth += 1
            if depth > StrictJSON.maximumDepth {
                throw fail(.tooDeep, "arrays and objects are nested deeper than \(StrictJSON.maximumDepth) levels")
            }
        }

        mutating func array() throws(JSONSyntaxError) -> JSONValue {
            try enter()
            index += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                depth -= 1
                return .array(items)
            }
            repeat {
                skipWhitespace()
                items.append(try value())
            } while try !closes(UInt8(ascii: "]"), container: "array", item: "an array item")
            return .array(items)
        }

        /// After an item: `,` and more to read (false), or the closing bracket (true). A comma right
        /// before the bracket is an error, as is anything else.
        mutating func closes(_ close: UInt8, container: String, item: String) throws(JSONSyntaxError) -> Bool {
            let expected = "',' or '\(Character(Unicode.Scalar(close)))'"
            skipWhitespace()
            guard index < bytes.count else { throw fail(.unexpectedEnd, "unterminated \(container): expected \(expected)") }
            let comma = index
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
                if index < bytes.count, bytes[index] == close {
                    throw fail(.trailingComma, at: comma, "trailing comma before '\(Character(Unicode.Scalar(close)))'")
                }
                return false
            case close:
                index += 1
                depth -= 1
                return true
            default:
                throw fail(.unexpectedCharacter, "expected \(expected) after \(item), found \(shown(index))")
            }
        }

        mutating func object() throws(JSONSyntaxError) -> JSONValue {
            try enter()
            index += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                depth -= 1
                return .object(members)
            }
            repeat {
                skipWhitespace()
                guard index < bytes.count else { throw fail(.unexpectedEnd, "unterminated object: expected a key") }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw fail(.unexpectedCharacter, "expected a key in double quotes, found \(shown(index))")
                }
                let keyStart = index
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw fail(index < bytes.count ? .unexpectedCharacter : .unexpectedEnd, "expected ':' after the key, found \(shown(index))")
                }
                index += 1
                skipWhitespace()
                let value = try value()
                guard members.updateValue(value, forKey: key) == nil else {
                    throw fail(.duplicateKey, at: keyStart, "duplicate key \(Self.quoted(key))")
                }
            } while try !closes(UInt8(ascii: "}"), container: "object", item: "a member")
            return .object(members)
        }

        /// A key as a message shows it: quoted, at most 40 characters.
        static func quoted(_ key: String) -> String {
            let escaped = key.unicodeScalars.map { $0.value < 0x20 ? "\\u\(String($0.value, radix: 16).leftPadded(4))" : String($0) }.joined()
            return "\"" + (escaped.count > 40 ? String(escaped.prefix(40)) + "…" : escaped) + "\""
        }

        // MARK: Strings

        mutating func string() throws(JSONSyntaxError) -> String {
            let start = index
            index += 1
            var buffer: [UInt8] = []
            var runStart = index
            while true {
                guard index < bytes.count else { throw fail(.unexpectedEnd, at: start, "unterminated string") }
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    buffer.append(contentsOf: bytes[runStart..<index])
                    index += 1
                    return String(decoding: buffer, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    buffer.append(contentsOf: bytes[runStart..<index])
                    try escape(into: &buffer)
                    runStart = index
                case 0x00..<0x20:
                    throw fail(.invalidString, "\(shown(index)) inside a string; write it as an escape such as \\n or \\u0000")
                default:
                    index += 1
                }
            }
        }

        mutating func escape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
            let start = index
            index += 1
            guard index < bytes.count else { throw fail(.unexpectedEnd, at: start, "unterminated string") }
            let letter = bytes[index]
            index += 1
            switch letter {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(letter)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(escapeStart: start)
                if (0xD800...0xDBFF).contains(scalar) {
                    guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw fail(.invalidEscape, at: start, "lone surrogate \\u\(String(scalar, radix: 16, uppercase: true)): a high surrogate must be followed by a low one")
                    }
                    let lowStart = index
                    index += 2
                    let low = try hex4(escapeStart: lowStart)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw fail(.invalidEscape, at: start, "lone surrogate \\u\(String(scalar, radix: 16, uppercase: true)): a high surrogate must be followed by a low one")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail(.invalidEscape, at: start, "lone surrogate \\u\(String(scalar, radix: 16, uppercase: true)): a low surrogate must follow a high one")
                }
                buffer.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
            default:
                throw fail(.invalidEscape, at: start, "unknown escape: a backslash followed by \(shown(index - 1)); use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX")
            }
        }

        mutating func hex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard index < bytes.count else { throw fail(.unexpectedEnd, at: escapeStart, "unterminated \\u escape") }
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail(.invalidEscape, at: escapeStart, "a \\u escape needs four hexadecimal digits")
                }
                value = value << 4 | UInt32(digit)
                index += 1
            }
            return value
        }

        // MARK: Numbers

        mutating func number() throws(JSONSyntaxError) -> JSONValue {
            let start = index
            func isDigit(_ i: Int) -> Bool { i < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) }
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard isDigit(index) else { throw fail(.invalidNumber, at: start, "'-' must be followed by a digit") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if isDigit(index) { throw fail(.invalidNumber, at: start, "a number may not have a leading zero") }
            } else {
                while isDigit(index) { index += 1 }
            }
            var isInteger = true
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                guard isDigit(index) else { throw fail(.invalidNumber, at: start, "a decimal point must be followed by a digit") }
                while isDigit(index) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard isDigit(index) else { throw fail(.invalidNumber, at: start, "an exponent must have digits") }
                while isDigit(index) { index += 1 }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            if isInteger, let integer = Int64(text) { return .integer(integer) }
            guard let number = Double(text), number.isFinite else {
                throw fail(.numberOutOfRange, at: start, "\(text.count > 40 ? String(text.prefix(40)) + "…" : text) is too large for a number")
            }
            return .number(number)
        }
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
