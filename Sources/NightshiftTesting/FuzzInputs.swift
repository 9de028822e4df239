public import Foundation

/// Inputs for a fuzz suite: the seeds, then `count` mutations of them, the same on every run for
/// a given `seed` (SplitMix64), so a failure names an input that can be replayed.
///
/// A mutation applies one to four edits — replace, insert or delete bytes, duplicate a stretch,
/// splice two seeds, or insert a token from `dictionary` (keywords, and numbers that overflow) —
/// to a seed or to an earlier mutation, so edits pile up as in a coverage-blind fuzzer.
///
/// ```swift
/// for input in FuzzInputs(seeds: FuzzTarget.cron.seeds, dictionary: FuzzTarget.cron.dictionary, count: 3000, seed: 1) {
///     #expect(FuzzTarget.cron.check(input) == nil)
/// }
/// ```
public struct FuzzInputs: Sequence {
    public var seeds: [Data]
    public var dictionary: [Data]
    public var count: Int
    public var seed: UInt64

    public init(seeds: [String], dictionary: [String], count: Int, seed: UInt64) {
        self.seeds = seeds.map { Data($0.utf8) }
        self.dictionary = (dictionary + Self.numbers).map { Data($0.utf8) }
        self.count = count
        self.seed = seed
    }

    /// Numbers at and beyond the edges of what parsers convert to.
    static let numbers = [
        "0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "99999999999999999999", "1e400", "-1e400",
        "nan", "inf", "0x10", "+1", "1_000", "4294967296", "2147483648",
    ]

    public func makeIterator() -> Iterator {
        Iterator(inputs: self, state: seed)
    }

    public struct Iterator: IteratorProtocol {
        let inputs: FuzzInputs
        var state: UInt64
        var produced = 0
        var pool: [[UInt8]] = []

        init(inputs: FuzzInputs, state: UInt64) {
            self.inputs = inputs
            self.state = state
            pool = inputs.seeds.map { Array($0) }
        }

        public mutating func next() -> Data? {
            defer { produced += 1 }
            if produced < inputs.seeds.count { return inputs.seeds[produced] }
            guard produced < inputs.seeds.count + inputs.count else { return nil }
            var bytes: [UInt8]
            if random(20) == 0 {
                bytes = (0..<random(64)).map { _ in UInt8(truncatingIfNeeded: random(256)) }
            } else {
                bytes = pool[random(pool.count)]
                for _ in 0...random(4) { mutate(&bytes) }
            }
            // Keep the latest mutations to build on (a bounded pool, so early seeds stay likely).
            if pool.count < inputs.seeds.count + 64 { pool.append(bytes) } else { pool[inputs.seeds.count + random(64)] = bytes }
            return Data(bytes)
        }

        mutating func random(_ bound: Int) -> Int {
            guard bound > 1 else { return 0 }
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(bound))
        }

        mutating func mutate(_ bytes: inout [UInt8]) {
            let position = random(bytes.count + 1)
            switch random(8) {
            case 0 where !bytes.isEmpty:
                bytes[Swift.min(position, bytes.count - 1)] = UInt8(truncatingIfNeeded: random(256))
            case 1:
                bytes.insert(Self.interesting[random(Self.interesting.count)], at: position)
            case 2 where !bytes.isEmpty:
                let start = Swift.min(position, bytes.count - 1)
                bytes.removeSubrange(start..<Swift.min(bytes.count, start + 1 + random(16)))
            case 3 where !bytes.isEmpty:
                let start = Swift.min(position, bytes.count - 1)
                let stretch = Array(bytes[start..<Swift.min(bytes.count, start + 1 + random(32))])
                bytes.insert(contentsOf: stretch, at: random(bytes.count + 1))
            case 4:
                let other = inputs.seeds[random(inputs.seeds.count)]
                let cut = random(other.count + 1)
                bytes = Array(bytes[..<position]) + Array(other[other.index(other.startIndex, offsetBy: cut)...])
            case 5, 6 where !inputs.dictionary.isEmpty:
                bytes.insert(contentsOf: inputs.dictionary[random(inputs.dictionary.count)], at: position)
            default:
                guard !bytes.isEmpty, !inputs.dictionary.isEmpty else { return }
                let start = Swift.min(position, bytes.count - 1)
                bytes.replaceSubrange(start..<Swift.min(bytes.count, start + 1 + random(8)), with: inputs.dictionary[random(inputs.dictionary.count)])
            }
        }

        /// Bytes that parsers treat specially: quotes, brackets, separators, line ends, a NUL, and
        /// the first bytes of multi-byte and invalid UTF-8.
        static let interesting: [UInt8] = Array("\"'[]{}(),;:=.-+/*?#\\ \t\r\n0123456789".utf8) + [0x00, 0x7F, 0xC3, 0xE2, 0xF0, 0xFF, 0x80]
    }
}
