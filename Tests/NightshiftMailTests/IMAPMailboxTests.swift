import Testing
@testable import NightshiftMail

/// Mailboxes and searches: LIST with modified UTF-7 names, SELECT and EXAMINE, and the UID
/// searches the sync relies on.
@Suite("IMAP mailboxes and searches")
struct IMAPMailboxTests {
    @Test("modified UTF-7 names: umlauts, & itself, non-BMP characters, and back")
    func modifiedUTF7() {
        let pairs = [
            ("Entwürfe", "Entw&APw-rfe"), ("Räume", "R&AOQ-ume"), ("Tom & Jerry", "Tom &- Jerry"),
            ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"), ("📬 Inbox", "&2D3c7A- Inbox"), ("INBOX", "INBOX"), ("", ""),
        ]
        for (name, wire) in pairs {
            #expect(ModifiedUTF7.encode(name) == wire)
            #expect(ModifiedUTF7.decode(wire) == name)
        }
        // Not modified UTF-7: 8-bit bytes, an unclosed run, a byte outside the alphabet, odd UTF-16.
        for bad in ["Räume", "&AOQ", "&A*Q-", "&AO-", "&2D0-"] {
            #expect(ModifiedUTF7.decode(bad) == nil, "\(bad)")
        }
    }

    @Test("LIST decodes names, takes literals and NIL delimiters, and keeps undecodable names as sent")
    func list() async throws {
        let (client, channel) = try await IMAPScripts.client([
            .server("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n"),
            .client("A1 LIST \"\" \"*\"\r\n"),
            .server(
                "* LIST (\\HasNoChildren) \"/\" inbox\r\n* LIST (\\HasNoChildren) \"/\" \"Entw&APw-rfe\"\r\n"
                    + "* LIST (\\HasChildren) \"/\" \(IMAPScripts.literal("R&AOQ-ume/Tom &- Jerry"))\r\n"
                    + "* LIST (\\Noselect) NIL \"&broken\"\r\n* LIST () \"/\" Sent]Mail\r\nA1 OK List completed.\r\n"
            ),
        ])
        #expect(try await client.list() == ["INBOX", "Entwürfe", "Räume/Tom & Jerry", "&broken", "Sent]Mail"])
        try channel.finish()
    }

    @Test("SELECT reads UIDVALIDITY, UIDNEXT and EXISTS; EXAMINE opens read-only, the name encoded")
    func select() async throws {
        let (client, channel) = try await IMAPScripts.client(
            IMAPScripts.selected() + [
                .client("A2 EXAMINE \"Entw&APw-rfe\"\r\n"),
                .server("* 0 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\nA2 OK [READ-ONLY] Examine completed.\r\n"),
            ])
        let inbox = try await client.select("INBOX")
        #expect(inbox == IMAPMailboxStatus(name: "INBOX", uidValidity: 1_700_000_000, uidNext: 12, exists: 3, recent: 0, readOnly: false))
        #expect(await client.state == .selected)
        let drafts = try await client.select("Entwürfe", readOnly: true)
        #expect(drafts == IMAPMailboxStatus(name: "Entwürfe", uidValidity: 7, uidNext: nil, exists: 0, recent: 0, readOnly: true))
        #expect(await client.mailbox == drafts)
        try channel.finish()
    }

    @Test("a SELECT without UIDVALIDITY fails: UIDs could not be trusted")
    func selectWithoutValidity() async throws {
        let (client, _) = try await IMAPScripts.client([
            .server("* PREAUTH [CAPABILITY IMAP4rev1] hi\r\n"),
            .client("A1 SELECT \"INBOX\"\r\n"),
            .server("* 2 EXISTS\r\nA1 OK Select completed.\r\n"),
        ])
        let error = await #expect(throws: IMAPError.self) { _ = try await client.select("INBOX") }
        #expect(error?.message.contains("UIDVALIDITY") == true)
    }

    @Test("uids(after:) asks n+1:* and drops the last message a server returns for a range past its end")
    func uidsAfter() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 UID SEARCH UID 11:*\r\n"),
            .server("* SEARCH 7\r\nA2 OK Search completed.\r\n"),
            .client("A3 UID SEARCH UID 6:*\r\n"),
            .server("* SEARCH 9 7 11\r\n* SEARCH 9\r\nA3 OK Search completed.\r\n"),
        ])
        #expect(try await client.uids(after: 10) == [])
        #expect(try await client.uids(after: 5) == [7, 9, 11])
        #expect(try await client.uids(after: UInt32.max) == [])
        try channel.finish()
    }

    @Test("Message-ID searches: quoted with escapes; non-ASCII as a literal with CHARSET UTF-8")
    func messageIDSearch() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([
            .client("A2 UID SEARCH HEADER Message-ID \"<a\\\"b\\\\c@example.com>\"\r\n"),
            .server("* SEARCH 4\r\nA2 OK done\r\n"),
            .client("A3 UID SEARCH CHARSET UTF-8 HEADER Message-ID {6}\r\n"),
            .server("+ go ahead\r\n"),
            .client("<ü@x>\r\n"),
            .server("* SEARCH\r\nA3 OK done\r\n"),
        ])
        #expect(try await client.uidsWithMessageID(#"<a"b\c@example.com>"#) == [4])
        #expect(try await client.uidsWithMessageID("<ü@x>") == [])
        await #expect(throws: IMAPError.self) { _ = try await client.uidsWithMessageID("") }
        try channel.finish()
    }

    @Test("with LITERAL+ a literal goes without waiting for +")
    func literalPlus() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient(
            [
                .client("A2 UID SEARCH CHARSET UTF-8 HEADER Message-ID {6+}\r\n<ü@x>\r\n"),
                .server("* SEARCH 2\r\nA2 OK done\r\n"),
            ], capabilities: "IMAP4rev1 LITERAL+")
        #expect(try await client.uidsWithMessageID("<ü@x>") == [2])
        try channel.finish()
    }

    @Test("search criteria with a line break are refused before anything is sent")
    func criteriaInjection() async throws {
        let (client, channel) = try await IMAPScripts.selectedClient([])
        let error = await #expect(throws: IMAPError.self) { _ = try await client.uidSearch("ALL\r\nA9 DELETE INBOX") }
        #expect(error?.kind == .invalidArgument)
        #expect(channel.transcript == "A1 SELECT \"INBOX\"\r\n")
    }

    @Test("untagged EXISTS, EXPUNGE and RECENT during any command keep the mailbox current")
    func untaggedUpdates() async throws {
        let (client, _) = try await IMAPScripts.selectedClient([
            .client("A2 UID SEARCH UID 12:*\r\n"),
            .server("* 5 EXISTS\r\n* 2 RECENT\r\n* SEARCH 12 13\r\nA2 OK done\r\n"),
            .client("A3 NOOP\r\n"),
            .server("* 1 EXPUNGE\r\n* 1 EXPUNGE\r\nA3 OK done\r\n"),
        ])
        #expect(try await client.uids(after: 11) == [12, 13])
        #expect(await client.mailbox?.exists == 5)
        #expect(await client.mailbox?.recent == 2)
        try await client.noop()
        #expect(await client.mailbox?.exists == 3)
    }
}
