import Crypto
public import Foundation

extension JSONValue {
    /// The canonical encoding: object keys sorted by their UTF-8 bytes, no insignificant
    /// whitespace, strings escaped minimally, integers without fraction, other numbers in their
    /// shortest round-trip form. Equal values always encode to equal bytes, so the SHA-256 of the
    /// encoding identifies a payload (approvals) or a record (the audit chain).
    public var canonical: String {
        var out = ""
        appendCanonical(to: &out)
        return out
    }

    /// The lowercase hex SHA-256 of ``canonical``.
    public var canonicalHash: String { SHA256Hex.of(canonical) }

    private func appendCanonical(to out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .integer(let value): out += String(value)
        case .number(let value):
            if value.isFinite, value.rounded() == value, abs(value) < 9.0e15 {
                out += String(Int64(value))
            } else if value.isFinite {
                out += "\(value)"
            } else {
                out += "null"
            }
        case .string(let value): Self.appendQuoted(value, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.appendCanonical(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
                if index > 0 { out += "," }
                Self.appendQuoted(key, to: &out)
                out += ":"
                members[key]!.appendCanonical(to: &out)
            }
            out += "}"
        }
    }

    private static func appendQuoted(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}

/// SHA-256 as lowercase hex.
public enum SHA256Hex {
    public static func of(_ text: String) -> String { of(Data(text.utf8)) }

    public static func of(_ data: Data) -> String {
        hex(SHA256.hash(data: data))
    }

    /// The bytes as lowercase hex. Written out by hand: `String(format: "%02x")` per byte goes
    /// through Foundation's formatter and cost more than the hash itself (two hashes per
    /// decision, one per audit record).
    static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Writes canonical JSON (as ``JSONValue/canonical`` does) straight into a string, for records
/// written by the million where building a ``JSONValue`` tree first costs more than the writing:
/// the caller gives an object's members in the canonical order (keys sorted by their UTF-8 bytes).
public struct CanonicalJSONWriter {
    /// The UTF-8 written so far: appending bytes is cheaper than appending to a `String`.
    private var bytes: [UInt8] = []
    private var needsComma = false

    public init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// What was written.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject() {
        comma()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    public mutating func beginArray() {
        comma()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A member's key; its value follows.
    public mutating func key(_ name: String) {
        comma()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func string(_ value: String?) {
        comma()
        if let value { appendQuoted(value) } else { appendASCII("null") }
        needsComma = true
    }

    public mutating func integer(_ value: Int64?) {
        comma()
        if let value { appendASCII(String(value)) } else { appendASCII("null") }
        needsComma = true
    }

    /// A number as ``JSONValue/number(_:)`` encodes: whole values without a fraction.
    public mutating func number(_ value: Double) {
        comma()
        if value.isFinite, value.rounded() == value, abs(value) < 9.0e15 {
            appendASCII(String(Int64(value)))
        } else if value.isFinite {
            appendASCII("\(value)")
        } else {
            appendASCII("null")
        }
        needsComma = true
    }

    /// An object of strings, its keys sorted.
    public mutating func stringObject(_ members: [String: String]) {
        beginObject()
        for (name, value) in members.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            key(name)
            string(value)
        }
        endObject()
    }

    /// Any value, written as ``JSONValue/canonical`` writes it.
    public mutating func value(_ value: JSONValue) {
        comma()
        appendASCII(value.canonical)
        needsComma = true
    }

    /// An array of strings.
    public mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    private mutating func comma() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    /// Text known to need no escaping (digits, `null`, canonical JSON already written).
    private mutating func appendASCII(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// `value` quoted as ``JSONValue/canonical`` quotes it; a string with nothing to escape (the
    /// usual case) is appended whole.
    private mutating func appendQuoted(_ value: String) {
        let utf8 = value.utf8
        if !utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
        } else {
            bytes.append(contentsOf: JSONValue.string(value).canonical.utf8)
        }
    }
}
