/// A text cut into what dates are made of: words (folded) and numbers with the separators
/// inside them (`14.12.2025` is one token with parts 14, 12, 2025).
enum DateToken: Equatable {
    case word(String)
    case number(parts: [Int], separator: Unicode.Scalar, trailingDot: Bool)

    var word: String? {
        if case .word(let word) = self { return word }
        return nil
    }
}

struct DateTokens {
    private(set) var tokens: [DateToken] = []

    init(_ scalars: [Unicode.Scalar]) {
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if ("0"..."9").contains(scalar) {
                var parts: [Int] = []
                var separator: Unicode.Scalar = " "
                var trailingDot = false
                while true {
                    var value = 0
                    var digits = 0
                    while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                        if digits < 6 { value = value * 10 + Int(scalars[index].value - 48) }
                        digits += 1
                        index += 1
                    }
                    parts.append(digits <= 6 ? value : -1)
                    guard index < scalars.count, scalars[index] == "." || scalars[index] == "/" || scalars[index] == "-" else { break }
                    if index + 1 < scalars.count, ("0"..."9").contains(scalars[index + 1]), parts.count < 4,
                        separator == " " || separator == scalars[index]
                    {
                        separator = scalars[index]
                        index += 1
                        continue
                    }
                    trailingDot = scalars[index] == "."
                    break
                }
                tokens.append(.number(parts: parts, separator: separator, trailingDot: trailingDot))
                continue
            }
            if FoldedText.isWordScalar(scalar) {
                var word = String.UnicodeScalarView()
                while index < scalars.count, FoldedText.isWordScalar(scalars[index]), !("0"..."9").contains(scalars[index]) {
                    FoldedText.fold(scalars[index], into: &word)
                    index += 1
                }
                tokens.append(.word(String(word)))
                continue
            }
            index += 1
        }
    }
}
