import Synchronization
@testable import NightshiftMail

/// Scripts of an IMAP server's side for ``ScriptedChannel``, shared by the IMAP client's tests.
///
/// The client's tags are `A1`, `A2`… from the first command after the greeting.
enum IMAPScripts {
    typealias Step = ScriptedChannel.Step

    /// A client on a scripted channel that plays `steps` from the greeting on.
    static func client(_ steps: [Step], configuration: IMAPClient.Configuration = .init()) async throws -> (IMAPClient, ScriptedChannel) {
        let channel = ScriptedChannel(steps)
        let client = try await IMAPClient(channel: channel, configuration: configuration)
        return (client, channel)
    }

    /// The steps up to a selected INBOX (PREAUTH, then `A1 SELECT "INBOX"`): 3 messages,
    /// UIDVALIDITY 1700000000, UIDNEXT 12. The next command is `A2`.
    static func selected(capabilities: String = "IMAP4rev1 IDLE UIDPLUS") -> [Step] {
        [
            .server("* PREAUTH [CAPABILITY \(capabilities)] Logged in as agent\r\n"),
            .client("A1 SELECT \"INBOX\"\r\n"),
            .server(
                "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r\n* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Flags permitted.\r\n"
                    + "* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1700000000] UIDs valid\r\n* OK [UIDNEXT 12] Predicted next UID\r\n"
                    + "A1 OK [READ-WRITE] Select completed (0.001 + 0.000 secs).\r\n"
            ),
        ]
    }

    /// A client with INBOX selected, then `steps` (from `A2` on).
    static func selectedClient(
        _ steps: [Step],
        capabilities: String = "IMAP4rev1 IDLE UIDPLUS",
        configuration: IMAPClient.Configuration = .init()
    ) async throws -> (IMAPClient, ScriptedChannel) {
        let (client, channel) = try await client(selected(capabilities: capabilities) + steps, configuration: configuration)
        _ = try await client.select("INBOX")
        return (client, channel)
    }

    /// `text` as a literal: `{n}` CRLF and the bytes.
    static func literal(_ text: String) -> String {
        "{\(text.utf8.count)}\r\n\(text)"
    }
}

/// Collects what a `@Sendable` callback is handed, for the streaming fetch's tests.
final class IMAPTestCollector<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])

    func append(_ item: Element) {
        items.withLock { $0.append(item) }
    }

    var all: [Element] { items.withLock { $0 } }
}

/// What a test throws on purpose.
struct IMAPPlannedFailure: Error, Equatable {}
