public import Foundation

/// Decodes files that must be UTF-8 text (the config, the policy file, calendars, JSON), saying
/// where the first byte that is not UTF-8 is rather than only that the file "cannot be read".
///
/// ```swift
/// switch UTF8Text.decode(data) {
/// case .success(let text): …
/// case .failure(let bad): print("nightshift.toml:\(bad.position): \(bad.message)")  // 3:9: invalid UTF-8 …
/// }
/// ```
public enum UTF8Text {
    /// The first byte sequence that is not UTF-8, and where it is.
    public struct InvalidByte: Error, Sendable, Hashable {
        /// 1-based line and column (columns count Unicode scalars, as ``SourcePosition`` does).
        public var position: SourcePosition
        /// 0-based offset of the byte in the data.
        public var offset: Int
        /// The first byte of the sequence.
        public var byte: UInt8

        /// The byte as two upper-case hexadecimal digits, e.g. `FF`.
        public var hexByte: String {
            let digits = String(byte, radix: 16, uppercase: true)
            return byte < 0x10 ? "0" + digits : digits
        }

        /// `invalid UTF-8 (byte 0xFF); save the file as UTF-8`.
        public var message: String { "invalid UTF-8 (byte 0x\(hexByte)); save the file as UTF-8" }
    }

    /// The text of `data`, or where its first invalid byte sequence starts.
    public static func decode(_ data: Data) -> Result<String, InvalidByte> {
        if let text = String(validating: data, as: UTF8.self) { return .success(text) }
        var iterator = data.makeIterator()
        var decoder = Unicode.UTF8()
        var offset = 0
        var line = 1
        var column = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                offset += UTF8.width(scalar)
                if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                // `String(validating:)` refused the data, so the decoder must have found the error.
                return .failure(InvalidByte(position: SourcePosition(line: line, column: column), offset: offset, byte: 0))
            case .error:
                let byte = data[data.index(data.startIndex, offsetBy: offset)]
                return .failure(InvalidByte(position: SourcePosition(line: line, column: column), offset: offset, byte: byte))
            }
        }
    }
}
