import Foundation
import Testing
@testable import NightshiftMail

/// Fetching messages (UID FETCH with BODY.PEEK and a partial range), streaming them one at a
/// time, and APPEND.
@Suite("IMAP fetch and append")
struct IMAPFetchTests {
    static let fetchItems = "(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.1000>)"

    @Test("several messages with literals: flags, dates, sizes, a 0-byte body, binary bytes; others ignored")
    func fetch() async throws {
        let binary: [UInt8] = Array("Subject: x\r\n\r\n".utf8) + [0, 0xFF, 0x0D, 0x0A, 0x29, 0x7B, 0x31, 0x7D, 0x0D, 0x0A]
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 UID FETCH 4:5,9 \(Self.fetchItems)\r\n"),
            .server(
                "* 1 FETCH (UID 4 FLAGS (\\Seen $Label1) INTERNALDATE \"17-Jul-1996 02:44:25 -0700\" RFC822.SIZE 5 BODY[]<0> {5}\r\nhello)\r\n"
                    + "* 3 FETCH (FLAGS (\\Deleted))\r\n"
                    + "* 2 FETCH (UID 5 RFC822.SIZE 0 FLAGS () INTERNALDATE \" 7-Jul-1996 02:44:25 +0000\" BODY[]<0> {0}\r\n)\r\n"
                    + "* 7 FETCH (UID 77 BODY[]<0> {1}\r\nx)\r\n"
                    + "* 3 FETCH (UID 9 BODY[HEADER] {3}\r\nabc FLAGS (\\Answered) RFC822.SIZE \(binary.count) BODY[]<0> {\(binary.count)}\r\n"
            ),
            .serverBytes(binary),
            .server(" X-GM-LABELS (\"a\" {2}\r\nxy))\r\nA2 OK Fetch completed (0.001 + 0.000 secs).\r\n"),
        ])
        let messages = try await client.fetch(uids: [9, 4, 5, 4], maxBytes: 1000)
        #expect(messages.map(\.uid) == [4, 5, 9])
        #expect(messages[0].flags == ["\\Seen", "$Label1"])
        #expect(messages[0].internalDate == Date(timeIntervalSince1970: 837_596_665))
        #expect(messages[0].bytes == Array("hello".utf8))
        #expect(messages[0].size == 5)
        #expect(messages[0].truncated == false)
        #expect(messages[1].bytes == [])
        #expect(messages[1].flags == [])
        #expect(messages[1].internalDate == Date(timeIntervalSince1970: 836_707_465))
        #expect(messages[2].bytes == binary)
        #expect(messages[2].flags == ["\\Answered"])
        try channel.finish()
    }

    @Test("a message larger than maxBytes comes cut and marked truncated; maxBytes is capped by maxLiteralSize")
    func truncated() async throws {
        var configuration = IMAPClient.Configuration()
        configuration.maxLiteralSize = 4
        let (client, channel) = try await IMAPScripts.selectedClient(
            [
                .client("A2 UID FETCH 4 (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[]<0.4>)\r\n"),
                .server("* 1 FETCH (UID 4 RFC822.SIZE 10 BODY[]<0> {4}\r\nhell)\r\nA2 OK done\r\n"),
            ], configuration: configuration)
        let messages = try await client.fetch(uids: [4], maxBytes: 1 << 20)
        #expect(messages == [IMAPMessage(uid: 4, flags: [], internalDate: nil, size: 10, bytes: Array("hell".utf8), truncated: true)])
        try channel.finish()
    }

    @Test("large requests are split into batches of fetchBatchSize")
    func batches() async throws {
        var configuration = IMAPClient.Configuration()
        configuration.fetchBatchSize = 2
        let (client, channel) = try await IMAPScripts.selectedClient(
            [
                .client("A2 UID FETCH 1:2 \(Self.fetchItems)\r\n"),
                .server("* 1 FETCH (UID 1 BODY[]<0> {1}\r\na)\r\n* 2 FETCH (UID 2 BODY[]<0> {1}\r\nb)\r\nA2 OK done\r\n"),
                .client("A3 UID FETCH 7 \(Self.fetchItems)\r\n"),
                .server("A3 OK done\r\n"),
            ], configuration: configuration)
        #expect(try await client.fetch(uids: [7, 1, 2], maxBytes: 1000).map(\.uid) == [1, 2])
        #expect(try await client.fetch(uids: [], maxBytes: 1000).isEmpty)
        try channel.finish()
    }

    @Test("the connection dropping mid-fetch: the messages before the drop were handed over, then .closed")
    func dropMidFetch() async throws {
        let (client, _) = try await IMAPScripts.selectedClient([
            .client("A2 UID FETCH 4:6 \(Self.fetchItems)\r\n"),
            .server(
                "* 1 FETCH (UID 4 BODY[]<0> {5}\r\nfirst)\r\n* 2 FETCH (UID 5 BODY[]<0> {6}\r\nsecond)\r\n"
                    + "* 3 FETCH (UID 6 BODY[]<0> {100}\r\nonly part of the th"
            ),
            .drop,
        ])
        let stored = IMAPTestCollector<UInt32>()
        await #expect(throws: MailTransportError.closed) {
            try await client.fetch(uids: [4, 5, 6], maxBytes: 1000) { stored.append($0.uid) }
        }
        #expect(stored.all == [4, 5])
        let after = await #expect(throws: IMAPError.self) { try await client.noop() }
        #expect(after?.kind == .unusable)
    }

    @Test("when the callback throws, later messages are not handed over, the replies are read, the client stays usable")
    func callbackThrows() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 UID FETCH 4:6 \(Self.fetchItems)\r\n"),
            .server(
                "* 1 FETCH (UID 4 BODY[]<0> {1}\r\na)\r\n* 2 FETCH (UID 5 BODY[]<0> {1}\r\nb)\r\n* 3 FETCH (UID 6 BODY[]<0> {1}\r\nc)\r\nA2 OK done\r\n"
            ),
            .client("A3 NOOP\r\n"),
            .server("A3 OK done\r\n"),
        ])
        let seen = IMAPTestCollector<UInt32>()
        await #expect(throws: IMAPPlannedFailure()) {
            try await client.fetch(uids: [4, 5, 6], maxBytes: 1000) { message in
                seen.append(message.uid)
                if message.uid == 5 { throw IMAPPlannedFailure() }
            }
        }
        #expect(seen.all == [4, 5])
        try await client.noop()
        try channel.finish()
    }

    @Test("APPEND waits for + before the message and returns the APPENDUID")
    func append() async throws {
        let message = "From: a@example.com\r\nSubject: sent\r\n\r\nbody\r\n"
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 APPEND \"Sent\" (\\Seen) {\(message.utf8.count)}\r\n"),
            .server("+ Ready for literal data\r\n"),
            .client(message + "\r\n"),
            .server("A2 OK [APPENDUID 1700000000 13] Append completed.\r\n"),
            .client("A3 APPEND \"Entw&APw-rfe\" {\(message.utf8.count)}\r\n"),
            .server("A3 NO [OVERQUOTA] Quota exceeded (mailbox for user is full)\r\n"),
        ])
        #expect(try await client.append(mailbox: "Sent", message: Array(message.utf8), flags: ["\\Seen"]) == 13)
        let full = await #expect(throws: IMAPError.self) { try await client.append(mailbox: "Entwürfe", message: Array(message.utf8)) }
        #expect(full?.kind == .no)
        #expect(full?.command == "APPEND")
        await #expect(throws: IMAPError.self) { try await client.append(mailbox: "Sent", message: [], flags: ["(\\Seen"]) }
        try channel.finish()
    }

    @Test("fetch needs a selected mailbox and a positive maxBytes")
    func fetchPreconditions() async throws {
        let (client, channel) = try await IMAPScripts.client([.server("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n")])
        let unselected = await #expect(throws: IMAPError.self) { _ = try await client.fetch(uids: [1], maxBytes: 10) }
        #expect(unselected?.kind == .wrongState)
        #expect(channel.transcript.isEmpty)
    }
}
