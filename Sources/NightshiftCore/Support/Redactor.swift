/// Replaces secret values with `[redacted]` in a byte stream that arrives in chunks.
///
/// A secret can be split across two reads from a pipe, so the redactor holds back the
/// tail of each chunk that could still grow into a secret and emits it with the next
/// chunk (or at ``finish()``). Used for child output as it streams in (a secret split across two
/// writes of the child is still found) and, through ``SecretValues``, for every text Nightshift
/// stores or shows.
///
/// ```swift
/// var redactor = Redactor(secrets: ["hunter2-secret"])
/// var out = redactor.feed(Array("token=hunter".utf8))   // "token=" — "hunter" is held back
/// out += redactor.feed(Array("2-secret\n".utf8))          // "[redacted]\n"
/// out += redactor.finish()
/// ```
public struct Redactor: Sendable {
    /// What a secret is replaced with, always whole.
    public static let replacement: [UInt8] = Array("[redacted]".utf8)

    /// Secrets as UTF-8, longest first, so that a secret containing a shorter one is
    /// replaced whole.
    private let secrets: [[UInt8]]
    /// `startsSecret[b]` is true when some secret begins with byte `b`; lets the scan
    /// skip most bytes with one table lookup.
    private let startsSecret: [Bool]
    private var pending: [UInt8] = []

    /// A redactor for `secrets` (empty strings are ignored).
    public init(secrets: [String]) {
        let encoded = Set(secrets.filter { !$0.isEmpty }.map { Array($0.utf8) })
        self.secrets = encoded.sorted { $0.count > $1.count }
        var table = [Bool](repeating: false, count: 256)
        for secret in self.secrets {
            table[Int(secret[0])] = true
        }
        self.startsSecret = table
    }

    /// True when there is nothing to redact, so callers can skip the redactor.
    public var isEmpty: Bool { secrets.isEmpty }

    /// Feeds a chunk and returns the bytes that are now safe to emit.
    public mutating func feed(_ chunk: [UInt8]) -> [UInt8] {
        guard !secrets.isEmpty else { return chunk }
        pending.append(contentsOf: chunk)
        return drain(final: false)
    }

    /// Returns everything still held back, redacted.
    public mutating func finish() -> [UInt8] {
        guard !secrets.isEmpty else { return [] }
        return drain(final: true)
    }

    /// Redacts a complete string in one go.
    public static func redact(_ text: String, secrets: [String]) -> String {
        var redactor = Redactor(secrets: secrets)
        guard !redactor.isEmpty else { return text }
        var bytes = redactor.feed(Array(text.utf8))
        bytes += redactor.finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func drain(final: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(pending.count)
        var index = 0
        let count = pending.count
        scan: while index < count {
            let byte = pending[index]
            guard startsSecret[Int(byte)] else {
                output.append(byte)
                index += 1
                continue
            }
            let remaining = count - index
            if !final {
                // Hold back from here if more input could complete a secret, even when a
                // shorter one already matches: the longer one must be replaced whole.
                for secret in secrets where secret.count > remaining && isPrefix(of: secret, from: index) {
                    break scan
                }
            }
            for secret in secrets where secret.count <= remaining && matches(secret, at: index) {
                output += Self.replacement
                index += secret.count
                continue scan
            }
            output.append(byte)
            index += 1
        }
        pending.removeFirst(index)
        return output
    }

    private func matches(_ secret: [UInt8], at start: Int) -> Bool {
        for offset in 0..<secret.count where pending[start + offset] != secret[offset] {
            return false
        }
        return true
    }

    /// Whether `pending[start...]` is a proper prefix of `secret`.
    private func isPrefix(of secret: [UInt8], from start: Int) -> Bool {
        for offset in 0..<(pending.count - start) where pending[start + offset] != secret[offset] {
            return false
        }
        return true
    }
}
