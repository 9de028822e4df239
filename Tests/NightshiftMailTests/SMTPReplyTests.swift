import Testing

@testable import NightshiftMail

/// Reading SMTP replies (RFC 5321 §4.2, RFC 3463), well-formed and not.
@Suite("SMTP replies")
struct SMTPReplyTests {
    /// The reply the lines make, or the parser's complaint.
    static func parse(_ lines: [String], maximumLines: Int = 100) -> Result<SMTPReply?, SMTPReplyParser.Malformed> {
        var parser = SMTPReplyParser(maximumLines: maximumLines)
        do {
            for (index, line) in lines.enumerated() {
                if let reply = try parser.consume(Array(line.utf8)) {
                    return index == lines.count - 1 ? .success(reply) : .failure(.init(problem: "the reply ended early"))
                }
            }
            return .success(nil)
        } catch {
            return .failure(error)
        }
    }

    @Test("a one-line reply: code, enhanced status, text")
    func oneLine() throws {
        let reply = try #require(try Self.parse(["250 2.1.5 Ok"]).get())
        #expect(reply.code == 250)
        #expect(reply.enhancedStatus == SMTPReply.EnhancedStatus(statusClass: 2, subject: 1, detail: 5))
        #expect(reply.lines == ["Ok"])
        #expect(reply.description == "250 2.1.5 Ok")
        #expect(reply.isPositive)
    }

    @Test("a multi-line reply keeps each line's text and takes the status from every line")
    func multiLine() throws {
        let reply = try #require(try Self.parse(["550-5.7.1 first", "550-5.7.1 second", "550 5.7.1 third"]).get())
        #expect(reply.code == 550)
        #expect(reply.enhancedStatus?.description == "5.7.1")
        #expect(reply.lines == ["first", "second", "third"])
        #expect(reply.text == "first second third")
        #expect(reply.isPermanentFailure)
    }

    @Test("a reply is not complete until a line with a space (or nothing) after the code")
    func incomplete() throws {
        #expect(try Self.parse(["250-a", "250-b"]).get() == nil)
        #expect(try Self.parse(["250-a", "250"]).get()?.lines == ["a", ""])
    }

    @Test("text that only looks like a status is kept: wrong class, too many digits, no separator")
    func notEnhancedStatus() throws {
        for (line, text) in [
            ("250 5.1.1 odd", "5.1.1 odd"), ("550 5.1234.1 x", "5.1234.1 x"), ("550 5.1.1x", "5.1.1x"), ("250 mx.example.org", "mx.example.org"),
            ("220 1.2.3.4 ESMTP", "1.2.3.4 ESMTP"),
        ] {
            let reply = try #require(try Self.parse([line]).get())
            #expect(reply.enhancedStatus == nil, "\(line)")
            #expect(reply.lines == [text], "\(line)")
        }
    }

    @Test("control characters in the text are shown as ?, bad UTF-8 as U+FFFD")
    func safeText() throws {
        var bytes = Array("250 a\u{1B}[31mb".utf8)
        bytes += [0xFF, 0x41]
        var parser = SMTPReplyParser(maximumLines: 10)
        let reply = try #require(try parser.consume(bytes))
        #expect(reply.text == "a?[31mb\u{FFFD}A")
    }

    @Test(
        "malformed lines are errors naming the problem",
        arguments: [
            (["2x0 ok"], "three-digit"), (["abc"], "three-digit"), (["25"], "three-digit"), ([""], "three-digit"), (["600 no"], "three-digit"),
            (["160 no"], "three-digit"), (["250*ok"], "neither a space nor a hyphen"), (["250-a", "251 b"], "another code"),
        ])
    func malformed(_ lines: [String], _ problem: String) {
        guard case .failure(let error) = Self.parse(lines) else {
            Issue.record("\(lines) parsed")
            return
        }
        #expect(error.problem.contains(problem), "\(error.problem)")
    }

    @Test("a reply longer than the line limit is an error")
    func tooManyLines() {
        let lines = Array(repeating: "250-x", count: 10_000) + ["250 end"]
        guard case .failure(let error) = Self.parse(lines, maximumLines: 100) else {
            Issue.record("parsed")
            return
        }
        #expect(error.problem.contains("more than 100 lines"))
    }

    static let malformedReplies: [String: String] = [
        "not a code": "2x0 ok\r\n",
        "10,000 lines": String(repeating: "250-x\r\n", count: 10_000) + "250 end\r\n",
        "a 5,000-byte line": "250 " + String(repeating: "x", count: 5000) + "\r\n",
        "the code changing": "250-a\r\n251 b\r\n",
    ]

    @Test("a malformed reply from the server fails the session with malformed-reply and closes it", arguments: malformedReplies.keys.sorted())
    func malformedFromServer(_ name: String) async throws {
        let ehloReply = try #require(Self.malformedReplies[name])
        let channel = ScriptedChannel([.server("220 mx.example.org\r\n"), .client("EHLO \(SMTPScript.hostname)\r\n"), .server(ehloReply)])
        let error = await SMTPScript.error { try await SMTPSession.open(channel: channel, security: .none, hostname: SMTPScript.hostname) }
        #expect(error?.kind == .malformedReply)
        #expect(error?.stage == .ehlo)
        #expect((error?.description.count ?? .max) < 400, "the error quotes at most a little of the reply")
        #expect(channel.isClosed)
        #expect(channel.transcript == "EHLO \(SMTPScript.hostname)\r\n", "no QUIT after the client lost step with the server")
    }
}
