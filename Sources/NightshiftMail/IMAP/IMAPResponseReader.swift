/// One response's bytes as they came: its lines (CRLF removed) and, between them, the literals
/// that each line but the last announced with `{n}` at its end. `lines.count` is always
/// `literals.count + 1`.
struct IMAPRawResponse: Sendable, Hashable {
    var lines: [[UInt8]]
    var literals: [[UInt8]]
}

/// Reads whole responses from a channel: a line, then for each `{n}` that ends a line the `n`
/// bytes of the literal (``MailChannel/readBytes(count:)``) and the line that goes on after it.
///
/// Everything a hostile server could make large is bounded before it is read: a line by
/// ``maxLineLength``, a literal by ``maxLiteralSize`` (checked on its announced size, before any
/// of it is read), a response by ``maxResponseSize`` and ``maxLiterals``.
struct IMAPResponseReader: Sendable {
    let channel: any MailChannel
    var maxLineLength: Int
    var maxLiteralSize: Int
    var maxResponseSize: Int
    /// Bounds the literals in one response, so a stream of `{0}` lines cannot grow it forever.
    var maxLiterals = 4096

    /// The next line, bounded by ``maxLineLength``.
    func readLine() async throws -> [UInt8] {
        try await channel.readLine(limit: maxLineLength)
    }

    /// The next response; its first line is `firstLine` when the caller has already read it.
    func read(firstLine: [UInt8]? = nil) async throws -> IMAPRawResponse {
        var line: [UInt8]
        if let firstLine {
            line = firstLine
        } else {
            line = try await readLine()
        }
        var raw = IMAPRawResponse(lines: [], literals: [])
        var total = 0
        while true {
            total += line.count + 2
            raw.lines.append(line)
            guard let size = try literalSize(atEndOf: line) else { break }
            guard raw.literals.count < maxLiterals else {
                throw IMAPError(.responseTooLarge, "a response has more than \(maxLiterals) literals")
            }
            total += size
            guard total <= maxResponseSize else {
                throw IMAPError(.responseTooLarge, "a response is longer than \(maxResponseSize) bytes (Configuration.maxResponseSize)")
            }
            raw.literals.append(try await channel.readBytes(count: size))
            line = try await readLine()
        }
        guard total <= maxResponseSize else {
            throw IMAPError(.responseTooLarge, "a response is longer than \(maxResponseSize) bytes (Configuration.maxResponseSize)")
        }
        return raw
    }

    /// The size of the literal `{n}` that ends `line`, nil when it ends otherwise. Throws
    /// before anything is read when the size is past ``maxLiteralSize``.
    func literalSize(atEndOf line: [UInt8]) throws(IMAPError) -> Int? {
        guard line.last == UInt8(ascii: "}"), let open = line.lastIndex(of: UInt8(ascii: "{")) else { return nil }
        let digits = line[(open + 1)..<(line.count - 1)]
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        // Eighteen digits still fit an Int; more is a size no limit allows anyway.
        guard digits.count <= 18, let size = Int(String(decoding: digits, as: UTF8.self)), size <= maxLiteralSize else {
            throw IMAPError(
                .literalTooLarge,
                "the server announced a literal of \(String(decoding: digits.prefix(24), as: UTF8.self)) bytes, more than the \(maxLiteralSize) allowed (Configuration.maxLiteralSize)"
            )
        }
        return size
    }
}
