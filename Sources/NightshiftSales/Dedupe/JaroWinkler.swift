/// Jaro and Jaro–Winkler similarity of two already-normalised strings, given as buffers of code
/// units (UTF-8 bytes or Unicode scalars): 1 for identical strings, 0 for strings with nothing in
/// common.
///
/// The duplicate finder compares names with it millions of times, so it allocates nothing for
/// strings of up to 64 units: the matched positions live in two 64-bit masks. Longer strings use
/// a temporary buffer (on the stack when small enough).
///
/// Jaro counts the characters `m` the two strings share within a window of
/// `max(|a|, |b|) / 2 - 1` positions, and the half-count `t` of those that come in a different
/// order: `(m/|a| + m/|b| + (m - t)/m) / 3`. Winkler then lifts strings that begin alike:
/// `jaro + ℓ × 0.1 × (1 - jaro)`, `ℓ` the common prefix up to 4 characters. `t` is the exact half
/// (it may be a half-integer), as in the usual definition; the boost applies at any Jaro value.
///
/// ```swift
/// JaroWinkler.similarity("martha", "marhta")  // 0.961
/// ```
public enum JaroWinkler {
    /// How much each shared leading character lifts the Jaro similarity: Winkler's 0.1.
    public static let prefixScale = 0.1
    /// The longest common prefix that lifts the similarity: 4 characters.
    public static let maximumPrefixLength = 4

    /// Jaro–Winkler similarity of two UTF-8 byte strings; exact for ASCII, an approximation for
    /// other text (a multi-byte character counts as several).
    public static func similarity(_ a: [UInt8], _ b: [UInt8]) -> Double {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in similarity(a, b) } }
    }

    /// Jaro–Winkler similarity of two strings of Unicode scalars.
    public static func similarity(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in similarity(a, b) } }
    }

    /// Jaro–Winkler similarity of two strings, compared scalar by scalar; a convenience that
    /// copies both strings, for callers outside hot loops.
    public static func similarity(_ a: String, _ b: String) -> Double {
        similarity(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }

    /// Jaro similarity (without Winkler's prefix lift) of two strings, compared scalar by scalar.
    public static func jaro(_ a: String, _ b: String) -> Double {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        return a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in jaro(a, b) } }
    }

    /// Jaro–Winkler similarity of two buffers of code units.
    @inlinable
    public static func similarity<Unit: Equatable>(_ a: UnsafeBufferPointer<Unit>, _ b: UnsafeBufferPointer<Unit>) -> Double {
        winkler(jaro: jaro(a, b), prefixLength: commonPrefixLength(a, b))
    }

    /// Winkler's lift of a Jaro similarity for strings sharing their first `prefixLength` units
    /// (only the first ``maximumPrefixLength`` count).
    @inlinable
    public static func winkler(jaro: Double, prefixLength: Int) -> Double {
        jaro + Double(min(prefixLength, maximumPrefixLength)) * prefixScale * (1 - jaro)
    }

    /// How many leading units the two buffers share, at most ``maximumPrefixLength``.
    @inlinable
    public static func commonPrefixLength<Unit: Equatable>(_ a: UnsafeBufferPointer<Unit>, _ b: UnsafeBufferPointer<Unit>) -> Int {
        let limit = min(a.count, b.count, maximumPrefixLength)
        var length = 0
        while length < limit && a[length] == b[length] { length += 1 }
        return length
    }

    /// Jaro similarity of two buffers of code units: 1 when both are empty, 0 when one is.
    @inlinable
    public static func jaro<Unit: Equatable>(_ a: UnsafeBufferPointer<Unit>, _ b: UnsafeBufferPointer<Unit>) -> Double {
        if a.isEmpty || b.isEmpty { return a.isEmpty && b.isEmpty ? 1 : 0 }
        let counts = a.count <= 64 && b.count <= 64 ? maskedCounts(a, b) : flaggedCounts(a, b)
        guard counts.matches > 0 else { return 0 }
        let m = Double(counts.matches)
        return (m / Double(a.count) + m / Double(b.count) + (m - Double(counts.outOfOrder) / 2) / m) / 3
    }

    /// The matching window: how far apart two equal units may stand and still match.
    @inlinable
    static func matchWindow(_ countA: Int, _ countB: Int) -> Int {
        max(0, max(countA, countB) / 2 - 1)
    }

    /// Matches and out-of-order matches for strings of at most 64 units, with bit masks for the
    /// matched positions (no allocation).
    @inlinable
    static func maskedCounts<Unit: Equatable>(
        _ a: UnsafeBufferPointer<Unit>, _ b: UnsafeBufferPointer<Unit>
    ) -> (matches: Int, outOfOrder: Int) {
        let window = matchWindow(a.count, b.count)
        var matchedA: UInt64 = 0, matchedB: UInt64 = 0, matches = 0
        for i in 0..<a.count {
            var j = max(0, i - window)
            let last = min(b.count - 1, i + window)
            while j <= last {
                if matchedB & (1 &<< UInt64(j)) == 0 && a[i] == b[j] {
                    matchedA |= 1 &<< UInt64(i)
                    matchedB |= 1 &<< UInt64(j)
                    matches += 1
                    break
                }
                j += 1
            }
        }
        var outOfOrder = 0
        while matchedA != 0 {
            if a[matchedA.trailingZeroBitCount] != b[matchedB.trailingZeroBitCount] { outOfOrder += 1 }
            matchedA &= matchedA &- 1
            matchedB &= matchedB &- 1
        }
        return (matches, outOfOrder)
    }

    /// Matches and out-of-order matches for longer strings, with flags in a temporary buffer.
    @inlinable
    static func flaggedCounts<Unit: Equatable>(
        _ a: UnsafeBufferPointer<Unit>, _ b: UnsafeBufferPointer<Unit>
    ) -> (matches: Int, outOfOrder: Int) {
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: a.count + b.count) { flags in
            flags.initialize(repeating: false)
            let window = matchWindow(a.count, b.count)
            var matches = 0
            for i in 0..<a.count {
                var j = max(0, i - window)
                let last = min(b.count - 1, i + window)
                while j <= last {
                    if !flags[a.count + j] && a[i] == b[j] {
                        flags[i] = true
                        flags[a.count + j] = true
                        matches += 1
                        break
                    }
                    j += 1
                }
            }
            var outOfOrder = 0, j = 0
            for i in 0..<a.count where flags[i] {
                while !flags[a.count + j] { j += 1 }
                if a[i] != b[j] { outOfOrder += 1 }
                j += 1
            }
            return (matches, outOfOrder)
        }
    }
}
