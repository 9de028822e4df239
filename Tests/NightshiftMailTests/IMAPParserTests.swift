import Testing
@testable import NightshiftMail

/// The response parser on responses as servers send them, and on what no server should.
@Suite("IMAP response parser")
struct IMAPParserTests {
    func parse(_ lines: [String], _ literals: [[UInt8]] = []) throws -> IMAPResponse {
        try IMAPResponseParser.parse(IMAPRawResponse(lines: lines.map { Array($0.utf8) }, literals: literals))
    }

    @Test("tagged replies keep their status, code and text")
    func tagged() throws {
        #expect(
            try parse(["A7 OK [UIDVALIDITY 3857529045] UIDs valid"])
                == .tagged("A7", IMAPStatusResponse(status: .ok, code: .uidValidity(3_857_529_045), text: "UIDs valid"))
        )
        #expect(try parse(["A1 NO bad password"]) == .tagged("A1", IMAPStatusResponse(status: .no, code: nil, text: "bad password")))
        #expect(try parse(["A2 bad"]) == .tagged("A2", IMAPStatusResponse(status: .bad, code: nil, text: "")))
        #expect(throws: IMAPError.self) { try parse(["A3 BYE not for a tag"]) }
    }

    @Test("response codes: UIDNEXT, CAPABILITY, ALERT, READ-ONLY, APPENDUID, unknown ones")
    func responseCodes() throws {
        func code(_ line: String) throws -> IMAPResponseCode? {
            guard case .untagged(.status(let status)) = try parse([line]) else { return nil }
            return status.code
        }
        #expect(try code("* OK [UIDNEXT 4392] Predicted next UID") == .uidNext(4392))
        #expect(try code("* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN] ready") == .capability(["IMAP4rev1", "IDLE", "AUTH=PLAIN"]))
        #expect(try code("* NO [ALERT] Mailbox is at 95% of quota") == .alert)
        #expect(try code("* OK [READ-ONLY] Examined") == .readOnly)
        #expect(try code("* OK [APPENDUID 38505 3955] done") == .appendUID(uidValidity: 38505, uid: 3955))
        #expect(try code("* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited") == .other("PERMANENTFLAGS"))
        guard case .untagged(.status(let alert)) = try parse(["* OK [ALERT] System shutdown in 10 minutes"]) else {
            Issue.record("no status")
            return
        }
        #expect(alert.text == "System shutdown in 10 minutes")
        #expect(throws: IMAPError.self) { try parse(["* OK [UIDVALIDITY x] bad"]) }
        #expect(throws: IMAPError.self) { try parse(["* OK [UIDNEXT 99999999999] too big"]) }
        #expect(throws: IMAPError.self) { try parse(["* OK [ALERT never closed"]) }
    }

    @Test("continuations, with and without text")
    func continuations() throws {
        #expect(try parse(["+ idling"]) == .continuation("idling"))
        #expect(try parse(["+"]) == .continuation(""))
        #expect(try parse(["+ "]) == .continuation(""))
    }

    @Test("quoted strings keep escaped quotes and backslashes; NIL is not a string")
    func quotedStrings() throws {
        let response = try parse([#"* LIST (\HasNoChildren \Marked) "/" "a \"quoted\" \\ name""#])
        #expect(response == .untagged(.list(attributes: ["\\HasNoChildren", "\\Marked"], delimiter: "/", name: Array(#"a "quoted" \ name"#.utf8))))
        #expect(try parse([#"* LIST (\Noselect) NIL """#]) == .untagged(.list(attributes: ["\\Noselect"], delimiter: nil, name: [])))
        #expect(try parse(["* LIST () \".\" INBOX"]) == .untagged(.list(attributes: [], delimiter: ".", name: Array("INBOX".utf8))))
        #expect(throws: IMAPError.self) { try parse([#"* LIST () "/" "never closed"#]) }
    }

    @Test("several literals in one FETCH, sections with spaces, NIL and nested lists")
    func fetchWithLiterals() throws {
        let response = try parse(
            [
                "* 12 FETCH (UID 5 BODY[HEADER.FIELDS (SUBJECT FROM)]<0> {3}",
                " BODY[TEXT] {4}",
                #" X-LIST (NIL "q" (a {0}"#,
                ")))",
            ],
            [Array("abc".utf8), Array("defg".utf8), []]
        )
        #expect(
            response
                == .untagged(
                    .fetch(
                        12,
                        [
                            IMAPFetchItem(name: "UID", value: .atom("5")),
                            IMAPFetchItem(name: "BODY[HEADER.FIELDS (SUBJECT FROM)]<0>", value: .string(Array("abc".utf8))),
                            IMAPFetchItem(name: "BODY[TEXT]", value: .string(Array("defg".utf8))),
                            IMAPFetchItem(name: "X-LIST", value: .list([.nilValue, .string(Array("q".utf8)), .list([.atom("a"), .string([])])])),
                        ]
                    )
                )
        )
    }

    @Test("a literal carries any bytes: CR, LF, NUL, parentheses, 8-bit")
    func binaryLiteral() throws {
        let bytes = Array(0...255).map(UInt8.init) + Array("\r\n)\r\n".utf8)
        let response = try parse(["* 1 FETCH (BODY[]<0> {\(bytes.count)}", ")"], [bytes])
        #expect(response == .untagged(.fetch(1, [IMAPFetchItem(name: "BODY[]<0>", value: .string(bytes))])))
    }

    @Test("EXISTS, RECENT, EXPUNGE, SEARCH (empty, with MODSEQ), CAPABILITY, FLAGS")
    func simpleData() throws {
        #expect(try parse(["* 23 EXISTS"]) == .untagged(.exists(23)))
        #expect(try parse(["* 5 recent"]) == .untagged(.recent(5)))
        #expect(try parse(["* 44 EXPUNGE"]) == .untagged(.expunge(44)))
        #expect(try parse(["* SEARCH 2 84 882"]) == .untagged(.search([2, 84, 882])))
        #expect(try parse(["* SEARCH"]) == .untagged(.search([])))
        #expect(try parse(["* SEARCH 2 3 (MODSEQ 917162500)"]) == .untagged(.search([2, 3])))
        #expect(try parse(["* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED"]) == .untagged(.capability(["IMAP4rev1", "STARTTLS", "LOGINDISABLED"])))
        #expect(try parse(["* FLAGS (\\Seen $Junk)"]) == .untagged(.flags(["\\Seen", "$Junk"])))
        #expect(try parse(["* STATUS INBOX (MESSAGES 3)"]) == .untagged(.other("STATUS")))
        #expect(try parse(["* 3 VANISHED-ISH x"]) == .untagged(.other("VANISHED-ISH")))
    }

    @Test(
        "malformed responses throw malformed-response, naming what was expected",
        arguments: [
            "", "*", "* ", "A1", "A1 MAYBE done", "* 1 FETCH (UID 5", "* 1 FETCH (UID 5))", "* 1 FETCH UID 5)",
            "* 1 FETCH (FLAGS (\\Seen)", "* 1 FETCH (FLAGS \\Seen))", "* 99999999999 EXISTS", "* 4294967296 EXISTS",
            "* 1 EXISTS extra", "* LIST (\\A \"/\" x", "* SEARCH 1 x", "* 1 FETCH (BODY[HEADER {3}", "* 1 FETCH (UID {5})",
            "* 1 FETCH (UID 1 BODY[] \"unterminated)", "* FLAGS", "\u{1}\u{2}\u{3}", "* 1 FETCH ((((((",
        ]
    )
    func malformed(_ line: String) {
        let error = #expect(throws: IMAPError.self) { try parse([line]) }
        #expect(error?.kind == .malformedResponse)
        #expect(error?.message.hasPrefix("expected ") == true)
    }

    @Test("lists nest at most 32 deep")
    func nesting() throws {
        let ok = "* 1 FETCH (X " + String(repeating: "(", count: 32) + String(repeating: ")", count: 32) + ")"
        #expect(throws: Never.self) { try parse([ok]) }
        let deep = "* 1 FETCH (X " + String(repeating: "(", count: 100_000) + String(repeating: ")", count: 100_000) + ")"
        let error = #expect(throws: IMAPError.self) { try parse([deep]) }
        #expect(error?.message.contains("32 deep") == true)
    }

    @Test("a literal's size is read from the line's end and checked before anything is read")
    func literalSizes() throws {
        let reader = IMAPResponseReader(channel: ScriptedChannel([]), maxLineLength: 100, maxLiteralSize: 64, maxResponseSize: 1000)
        #expect(try reader.literalSize(atEndOf: Array("* 1 FETCH (BODY[] {5}".utf8)) == 5)
        #expect(try reader.literalSize(atEndOf: Array("x {0}".utf8)) == 0)
        #expect(try reader.literalSize(atEndOf: Array("x {64}".utf8)) == 64)
        #expect(try reader.literalSize(atEndOf: Array("* OK {abc}".utf8)) == nil)
        #expect(try reader.literalSize(atEndOf: Array("* OK {}".utf8)) == nil)
        #expect(try reader.literalSize(atEndOf: Array("* OK done".utf8)) == nil)
        for huge in ["x {65}", "x {99999999999999999999999999}", "x {9223372036854775807}"] {
            let error = #expect(throws: IMAPError.self) { try reader.literalSize(atEndOf: Array(huge.utf8)) }
            #expect(error?.kind == .literalTooLarge)
        }
    }

    @Test("thousands of seeded mutations of real responses never trap")
    func mutations() {
        let seeds: [([String], [[UInt8]])] = [
            (["* 12 FETCH (UID 5 FLAGS (\\Seen) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" BODY[]<0> {3}", ")"], [Array("abc".utf8)]),
            (["* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\""], []),
            (["A1 OK [CAPABILITY IMAP4rev1 IDLE] done"], []),
            (["* 1 FETCH (ENVELOPE (\"date\" NIL ((\"a\" NIL \"b\" \"c\")) NIL) BODY[HEADER] {2}", " X {0}", ")"], [Array("hi".utf8), []]),
        ]
        let alphabet = Array("()[]{}<>\" \\*+0123456789NILOKAB\u{0}\u{FF}".utf8)
        var random = SplitMix64(seed: 0x1AB)
        for _ in 0..<5000 {
            let (lines, literals) = random.pick(seeds)
            var mutated = lines.map { Array($0.utf8) }
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let line = Int.random(in: 0..<mutated.count, using: &random)
                let at = Int.random(in: 0...mutated[line].count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[line].insert(random.pick(alphabet), at: at)
                case 1: if at < mutated[line].count { mutated[line].remove(at: at) }
                default: if at < mutated[line].count { mutated[line][at] = random.pick(alphabet) }
                }
            }
            // The result may be a response or an error; reaching the next case is the test.
            _ = try? IMAPResponseParser.parse(IMAPRawResponse(lines: mutated, literals: literals))
        }
    }
}
