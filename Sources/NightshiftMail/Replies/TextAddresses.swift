/// Email addresses written in running text, found without regular expressions: each `@` is
/// grown to the left over local-part characters and to the right over domain characters, so
/// every scalar is looked at a bounded number of times.
enum TextAddresses {
    struct Found: Hashable {
        var address: String
        /// Scalar offsets in the text: `start..<end`.
        var start: Int
        var end: Int
    }

    /// The addresses in `scalars` (at most `limit`), in order; the domain needs a dot and a
    /// top-level part of two or more letters.
    static func find(in scalars: [Unicode.Scalar], limit: Int = 200) -> [Found] {
        var found: [Found] = []
        var index = 0
        var previousEnd = 0
        while index < scalars.count, found.count < limit {
            guard scalars[index] == "@" else {
                index += 1
                continue
            }
            var start = index
            while start > previousEnd, index - start < 64, isLocal(scalars[start - 1]) { start -= 1 }
            while start < index, scalars[start] == "." || scalars[start] == "'" || scalars[start] == "-" { start += 1 }
            var end = index + 1
            while end < scalars.count, end - index < 255, isDomain(scalars[end]) { end += 1 }
            while end > index + 1, scalars[end - 1] == "." || scalars[end - 1] == "-" { end -= 1 }
            if start < index, end > index + 1, let candidate = valid(scalars[start..<end], at: index - start) {
                found.append(Found(address: candidate, start: start, end: end))
                previousEnd = end
            }
            index = max(end, index + 1)
        }
        return found
    }

    private static func valid(_ scalars: ArraySlice<Unicode.Scalar>, at atOffset: Int) -> String? {
        let text = String(String.UnicodeScalarView(scalars))
        let domain = text.unicodeScalars.dropFirst(atOffset + 1)
        let labels = String(String.UnicodeScalarView(domain)).split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let top = labels.last, top.count >= 2,
            top.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic })
        else { return nil }
        return text
    }

    private static func isLocal(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "%", "+", "-", "'": return true
            default: return false
            }
        }
        return scalar.properties.isAlphabetic
    }

    private static func isDomain(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "-": return true
            default: return false
            }
        }
        return scalar.properties.isAlphabetic
    }
}
