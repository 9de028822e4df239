/// Validates and converts TOML integer and float tokens.
///
/// The token arrives as ASCII bytes already cut out of the source; every check here follows the
/// TOML 1.0 grammar so that, for example, `1__0`, `01`, `1.` and `+0x1` are rejected rather than
/// accepted by a lenient library conversion.
enum TOMLNumber {
    private static let underscore = UInt8(ascii: "_")

    /// Parses an integer or float token starting at `start`.
    static func parse(_ token: [UInt8], at start: SourcePosition) throws(TOMLParseError) -> TOMLValue {
        let text = String(decoding: token, as: UTF8.self)
        func invalid(_ reason: String) -> TOMLParseError {
            TOMLParseError(.invalidNumber, at: start, "invalid number '\(text)': \(reason)")
        }

        var unsigned = token[...]
        var sign: UInt8?
        if let first = token.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first
            unsigned = token.dropFirst()
        }
        switch String(decoding: unsigned, as: UTF8.self) {
        case "inf": return .float(sign == UInt8(ascii: "-") ? -.infinity : .infinity)
        case "nan": return .float(sign == UInt8(ascii: "-") ? -.nan : .nan)
        default: break
        }

        if unsigned.count > 2, unsigned.first == UInt8(ascii: "0"),
            let radix = radix(of: unsigned[unsigned.startIndex + 1])
        {
            guard sign == nil else {
                throw invalid("hexadecimal, octal and binary integers cannot have a sign")
            }
            let digits = unsigned.dropFirst(2)
            if let problem = digitProblem(digits, radix: radix) {
                throw invalid(problem)
            }
            guard let value = Int64(String(decoding: digits.filter { $0 != underscore }, as: UTF8.self), radix: radix) else {
                throw invalid("the value does not fit in a 64-bit signed integer")
            }
            return .integer(value)
        }

        let isFloat = unsigned.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if !isFloat {
            if let problem = decimalIntegerProblem(unsigned) {
                throw invalid(problem)
            }
            let cleaned = String(decoding: token.filter { $0 != underscore }, as: UTF8.self)
            guard let value = Int64(cleaned) else {
                throw invalid("the value does not fit in a 64-bit signed integer")
            }
            return .integer(value)
        }

        // float = integer part, then a fraction, an exponent, or both.
        let exponentIndex = unsigned.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = unsigned[..<(exponentIndex ?? unsigned.endIndex)]
        let dotIndex = mantissa.firstIndex(of: UInt8(ascii: "."))
        let integerPart = mantissa[..<(dotIndex ?? mantissa.endIndex)]
        if let problem = decimalIntegerProblem(integerPart) {
            throw invalid(integerPart.isEmpty ? "a float needs digits before the decimal point" : problem)
        }
        if let dotIndex {
            let fraction = mantissa[(dotIndex + 1)...]
            if fraction.isEmpty {
                throw invalid("a decimal point must be followed by digits")
            }
            if let problem = digitProblem(fraction, radix: 10) {
                throw invalid(problem)
            }
        }
        if let exponentIndex {
            var exponent = unsigned[(exponentIndex + 1)...]
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                exponent = exponent.dropFirst()
            }
            if exponent.isEmpty {
                throw invalid("an exponent needs digits")
            }
            if let problem = digitProblem(exponent, radix: 10) {
                throw invalid(problem)
            }
        }
        guard let value = Double(String(decoding: token.filter { $0 != underscore }, as: UTF8.self)) else {
            throw invalid("not a number")
        }
        return .float(value)
    }

    private static func radix(of marker: UInt8) -> Int? {
        switch marker {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }

    /// Why an unsigned decimal integer is malformed (leading zeros included), or `nil`.
    private static func decimalIntegerProblem(_ digits: ArraySlice<UInt8>) -> String? {
        if let problem = digitProblem(digits, radix: 10) {
            return problem
        }
        if digits.count > 1, digits.first == UInt8(ascii: "0") {
            return "leading zeros are not allowed (write 0o… for an octal integer)"
        }
        return nil
    }

    /// Why a run of digits with optional single underscores between them is malformed, or `nil`.
    private static func digitProblem(_ digits: ArraySlice<UInt8>, radix: Int) -> String? {
        guard !digits.isEmpty else {
            return "digits are missing"
        }
        var previous: UInt8?
        for byte in digits {
            if byte == underscore {
                if previous == nil || previous == underscore {
                    return "each underscore must be between two digits"
                }
            } else if !isDigit(byte, radix: radix) {
                return "'\(Character(UnicodeScalar(byte)))' is not \(radixName(radix)) digit"
            }
            previous = byte
        }
        if previous == underscore {
            return "each underscore must be between two digits"
        }
        return nil
    }

    private static func isDigit(_ byte: UInt8, radix: Int) -> Bool {
        switch radix {
        case 16: (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        default: byte >= UInt8(ascii: "0") && byte < UInt8(ascii: "0") + UInt8(radix)
        }
    }

    private static func radixName(_ radix: Int) -> String {
        switch radix {
        case 16: "a hexadecimal"
        case 8: "an octal"
        case 2: "a binary"
        default: "a decimal"
        }
    }
}
