/// Mailbox names as IMAP4rev1 sends them (RFC 3501 §5.1.3): printable ASCII stands for itself
/// but `&` is `&-`, and any other run of characters is `&`, its UTF-16 in base64 with `,` for
/// `/` and no padding, then `-`.
///
/// ```swift
/// ModifiedUTF7.encode("Entwürfe")      // "Entw&APw-rfe"
/// ModifiedUTF7.decode("Entw&APw-rfe")  // "Entwürfe"
/// ```
enum ModifiedUTF7 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,".utf8)

    /// `name` encoded for the wire.
    static func encode(_ name: String) -> String {
        var output: [UInt8] = []
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for unit in pending { bytes += [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            output.append(UInt8(ascii: "&"))
            var index = 0
            while index < bytes.count {
                let chunk = bytes[index..<min(index + 3, bytes.count)]
                let group = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
                for sextet in 0..<(chunk.count + 1) { output.append(alphabet[Int(group >> (18 - 6 * UInt32(sextet)) & 63)]) }
                index += 3
            }
            output.append(UInt8(ascii: "-"))
            pending.removeAll()
        }
        for scalar in name.unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) {
                flush()
                output.append(UInt8(scalar.value))
                if scalar == "&" { output.append(UInt8(ascii: "-")) }
            } else {
                pending += Array(String(scalar).utf16)
            }
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    /// The name `wire` encodes, or nil when it is not modified UTF-7 (8-bit bytes, a bad base64
    /// run, broken UTF-16), for the caller to show as it came.
    static func decode(_ wire: String) -> String? {
        let bytes = Array(wire.utf8)
        var output = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard (0x20...0x7E).contains(byte) else { return nil }
            index += 1
            guard byte == UInt8(ascii: "&") else {
                output.unicodeScalars.append(Unicode.Scalar(byte))
                continue
            }
            guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "-")) else { return nil }
            defer { index = end + 1 }
            if end == index {
                output += "&"
                continue
            }
            guard let units = decodeRun(bytes[index..<end]) else { return nil }
            var scalars = String.UnicodeScalarView()
            var iterator = units.makeIterator()
            var decoder = UTF16()
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput: break loop
                case .error: return nil
                }
            }
            output.unicodeScalars.append(contentsOf: scalars)
        }
        return output
    }

    /// A base64 run's UTF-16 code units; nil for a byte outside the alphabet, an odd byte count,
    /// or bits left over that are not zero.
    private static func decodeRun(_ run: ArraySlice<UInt8>) -> [UInt16]? {
        var bits: UInt32 = 0
        var count = 0
        var bytes: [UInt8] = []
        for character in run {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            bits = bits << 6 | UInt32(value)
            count += 6
            if count >= 8 {
                count -= 8
                bytes.append(UInt8(bits >> UInt32(count) & 0xFF))
            }
        }
        guard count < 6, bits & ((1 << UInt32(count)) - 1) == 0, bytes.count % 2 == 0, !bytes.isEmpty else { return nil }
        return stride(from: 0, to: bytes.count, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
    }
}
