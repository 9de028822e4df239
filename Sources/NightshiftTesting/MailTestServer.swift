import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the mail test servers of `scripts/mail-test-server` listen, and where their mail lies.
public struct MailTestEndpoints: Sendable, Hashable {
    /// The servers' folder (`NIGHTSHIFT_TEST_MAIL_DIR`; `.build-mail/` by default).
    public var directory: String
    /// Always `127.0.0.1`: both servers listen on loopback only.
    public var host: String
    /// Dovecot's IMAP port, plaintext with STARTTLS offered (LOGIN and AUTHENTICATE PLAIN work without it).
    public var imapPort: Int
    /// Dovecot's IMAPS port: TLS from the first byte.
    public var imapsPort: Int
    /// The SMTP sink's port: STARTTLS, 8BITMIME, SIZE, SMTPUTF8, AUTH PLAIN and LOGIN (also without TLS).
    public var smtpPort: Int
    /// The account's user name for IMAP and SMTP (`operator`).
    public var user: String
    /// The account's password (`nightshift-test`).
    public var password: String
    /// The account's address (`operator@nightshift.test`).
    public var address: String
    /// The operator's Maildir++ root: INBOX in `cur/`, `new/`, `tmp/`; other folders as `.Name/` beside them.
    public var maildir: String
    /// The folder holding one Maildir per outside recipient (`outside/<address in lower case>/`).
    public var outside: String
    /// The test CA's certificate (PEM), which signed the one both servers present (CN and subjectAltName
    /// `localhost`, and IP `127.0.0.1`): what clients trust.
    public var caFile: String
    /// The SMTP sink's fault rules (`smtp-faults.json`; see ``MailTestServer/setFaults(_:named:)``).
    public var faultsFile: String
}

/// Real mail servers on loopback for the tests: Dovecot (IMAP, IMAPS) over a Maildir and an SMTP sink
/// that delivers into it, started by `scripts/mail-test-server` on first use and left running for the
/// next test run (`scripts/mail-test-server stop` removes them). When `NIGHTSHIFT_TEST_MAIL_DIR` names
/// a folder where they already run (as CI arranges), those are used.
///
/// There is no skipping: when they cannot start, ``endpoints()`` throws an error that says why, and
/// every mail server test fails with it.
///
/// One account and one mailbox serve every test, in parallel tasks and sometimes parallel processes:
/// - send to addresses of your own (`someone-<test name>@outside.test`) and look for your own
///   Message-IDs, never for "the only message in INBOX";
/// - run what empties or disturbs the mailbox (``clearMailbox()``, ``restartIMAP()``) inside
///   `withMailbox(exclusive: true)`, and the tests that read the INBOX or Sent inside `withMailbox()`,
///   so the two never overlap;
/// - give fault rules a file of their own (``setFaults(_:named:)`` with a name).
///
/// ```swift
/// let mail = try MailTestServer.endpoints()
/// try await MailTestServer.withMailbox {
///     try MailTestServer.deliver(Array("Message-ID: <t1@test>\r\nSubject: hi\r\n\r\nbody\r\n".utf8))
///     // … connect to mail.host:mail.imapPort, trusting mail.caFile, and find <t1@test>
/// }
/// ```
public enum MailTestServer {
    /// The environment variable naming the servers' folder.
    public static let environmentVariable = "NIGHTSHIFT_TEST_MAIL_DIR"

    private static let found = Mutex<Result<MailTestEndpoints, MailTestServerError>?>(nil)
    private static let sequence = Atomic<Int>(0)

    /// Where the servers are, starting them the first time if they do not run.
    public static func endpoints() throws -> MailTestEndpoints {
        try found.withLock { found in
            if found == nil { found = locate() }
            return try found!.get()
        }
    }

    private static func locate() -> Result<MailTestEndpoints, MailTestServerError> {
        do {
            let directory = ProcessInfo.processInfo.environment[environmentVariable] ?? ""
            // Named and running: only read what they are. Otherwise start them (a no-op for what runs).
            let running = try !directory.isEmpty && PostgresTestCluster.runScript(script, ["status"]).status == 0
            if !running { _ = try run("start") }
            return .success(try parse(try run("env")))
        } catch let error as MailTestServerError {
            return .failure(error)
        } catch {
            return .failure(MailTestServerError(message: "\(script) could not be run: \(error)"))
        }
    }

    private static func run(_ command: String) throws -> String {
        let (status, output) = try PostgresTestCluster.runScript(script, [command])
        guard status == 0 else {
            throw MailTestServerError(
                message: """
                    \(script) \(command) failed (exit \(status)); the mail tests need Dovecot and aiosmtpd: \
                    install them (apt-get install dovecot-imapd python3-aiosmtpd).
                    \(output)
                    """
            )
        }
        return output
    }

    /// Reads the `export NAME='value'` lines of `scripts/mail-test-server env`.
    static func parse(_ output: String) throws -> MailTestEndpoints {
        var values: [String: String] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            guard line.hasPrefix("export "), let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[line.index(line.startIndex, offsetBy: 7)..<equals])
            values[name] = unquote(line[line.index(after: equals)...])
        }
        func value(_ name: String) throws -> String {
            guard let value = values[name], !value.isEmpty else {
                throw MailTestServerError(message: "\(script) env printed no \(name); it printed:\n\(output)")
            }
            return value
        }
        func port(_ name: String) throws -> Int {
            guard let port = Int(try value(name)), port > 0 else {
                throw MailTestServerError(message: "\(script) env printed \(name)=\(values[name] ?? ""), not a port")
            }
            return port
        }
        return MailTestEndpoints(
            directory: try value("NIGHTSHIFT_TEST_MAIL_DIR"), host: "127.0.0.1",
            imapPort: try port("NIGHTSHIFT_TEST_IMAP_PORT"), imapsPort: try port("NIGHTSHIFT_TEST_IMAPS_PORT"),
            smtpPort: try port("NIGHTSHIFT_TEST_SMTP_PORT"), user: try value("NIGHTSHIFT_TEST_MAIL_USER"),
            password: try value("NIGHTSHIFT_TEST_MAIL_PASSWORD"), address: try value("NIGHTSHIFT_TEST_MAIL_ADDRESS"),
            maildir: try value("NIGHTSHIFT_TEST_MAILDIR"), outside: try value("NIGHTSHIFT_TEST_MAIL_OUTSIDE"),
            caFile: try value("NIGHTSHIFT_TEST_MAIL_CA"), faultsFile: try value("NIGHTSHIFT_TEST_SMTP_FAULTS")
        )
    }

    /// A shell word made of 'quoted' runs and backslash-escaped characters, as the script prints them.
    private static func unquote(_ word: Substring) -> String {
        var result = ""
        var quoted = false
        var escaped = false
        for character in word {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "'" {
                quoted.toggle()
            } else if character == "\\" && !quoted {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The path of `scripts/mail-test-server` in this checkout.
    public static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "scripts/mail-test-server").path
    }
}

// MARK: - The mailbox

extension MailTestServer {
    /// Puts a message into the operator's Maildir the way a delivery agent does: written in `tmp/`,
    /// then renamed into `new/`, readable by Dovecot (mode 0644, owned like the folder when run as root).
    ///
    /// - Parameters:
    ///   - bytes: the whole message, headers and body; stored as given (CRLF or LF line ends).
    ///   - folder: `""` or `"INBOX"` for the INBOX, else a folder name (`"Sent"`, `"Archive/2026"`),
    ///     made if missing.
    /// - Returns: the file's path in `new/` (Dovecot moves it to `cur/` once a session has seen it).
    @discardableResult
    public static func deliver(_ bytes: [UInt8], to folder: String = "") throws -> String {
        let root = try folderPath(folder)
        let files = FileManager.default
        for sub in ["cur", "new", "tmp"] {
            try files.createDirectory(atPath: "\(root)/\(sub)", withIntermediateDirectories: true)
        }
        if root != (try endpoints().maildir), !files.fileExists(atPath: "\(root)/maildirfolder"),
            !files.createFile(atPath: "\(root)/maildirfolder", contents: Data())
        {
            throw MailTestServerError(message: "could not make \(root)/maildirfolder")
        }
        let name = uniqueName()
        let temporary = "\(root)/tmp/\(name)"
        let final = "\(root)/new/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        try files.setAttributes([.posixPermissions: 0o644], ofItemAtPath: temporary)
        try giveToMailOwner([temporary, "\(root)/maildirfolder", "\(root)/cur", "\(root)/new", "\(root)/tmp", root], like: try endpoints().maildir)
        guard rename(temporary, final) == 0 else {
            throw MailTestServerError(message: "could not move \(temporary) to \(final): \(String(cString: strerror(errno)))")
        }
        return final
    }

    /// The messages in one of the operator's folders (`""` or `"INBOX"`, `"Sent"`, …): `new/` then `cur/`,
    /// each in order of its file name (delivery time for what the SMTP sink and ``deliver(_:to:)`` wrote).
    public static func messages(in folder: String = "") throws -> [[UInt8]] {
        try readMaildir(try folderPath(folder))
    }

    /// What the SMTP sink delivered to an address outside the operator's domain, oldest first;
    /// empty when it received nothing. Each starts with the `Return-Path` and `Delivered-To` the sink added.
    public static func outsideMessages(for address: String) throws -> [[UInt8]] {
        var name = address.lowercased().replacingOccurrences(of: "/", with: "_")
        if name.hasPrefix(".") { name = "_" + name.dropFirst() }
        if name.isEmpty { name = "_empty" }
        return try readMaildir("\(try endpoints().outside)/\(name)")
    }

    /// Empties the operator's INBOX and Sent (their `new/` and `cur/`), for a test that needs to start
    /// from nothing. The folders, their UIDVALIDITY and Dovecot's indexes stay (Dovecot notices the
    /// files gone at its next look). Call it inside `withMailbox(exclusive: true)`: it removes every
    /// other test's mail too.
    public static func clearMailbox() throws {
        let files = FileManager.default
        for folder in ["", "Sent"] {
            let root = try folderPath(folder)
            for sub in ["new", "cur"] {
                for name in (try? files.contentsOfDirectory(atPath: "\(root)/\(sub)")) ?? [] {
                    do {
                        try files.removeItem(atPath: "\(root)/\(sub)/\(name)")
                    } catch where !files.fileExists(atPath: "\(root)/\(sub)/\(name)") {
                        // Moved from new/ to cur/ by Dovecot meanwhile: the cur/ pass removes it.
                    }
                }
            }
        }
    }

    /// Stops Dovecot (cutting every IMAP connection) and starts it again, mail kept: for tests of a
    /// dropped connection. Takes a few seconds. Call it inside `withMailbox(exclusive: true)`.
    public static func restartIMAP() throws {
        let directory = try endpoints().directory
        let (status, output) = try PostgresTestCluster.runScript(script, ["restart-imap"], environment: [environmentVariable: directory])
        guard status == 0 else {
            throw MailTestServerError(message: "\(script) restart-imap failed (exit \(status)):\n\(output)")
        }
    }

    /// Sets the SMTP sink's fault rules, which it reads afresh on every command: a JSON list of rules
    /// (or one rule), replacing the previous rules of the same file. A rule's `times` count starts
    /// again when its file is written again; `"[]"` removes the rules.
    ///
    /// ```swift
    /// try MailTestServer.setFaults(#"[{"recipient": "slow-t1@outside.test", "stage": "rcpt", "code": 451, "times": 2}]"#, named: "t1")
    /// try MailTestServer.setFaults(#"{"recipient": "crash-t2@outside.test", "delay_after_data": 5}"#, named: "t2")
    /// ```
    ///
    /// Rules: `{"recipient", "stage": "rcpt"|"data", "code", "text"?, "times"?}` answers that code
    /// (`times` times, or always); `{"recipient", "delay_after_data": seconds, "times"?}` delivers and
    /// files the Sent copy, then waits before the 250. `"recipient": "*"` matches every address.
    ///
    /// - Parameter name: `nil` writes `smtp-faults.json`, shared by everyone; a name writes
    ///   `smtp-faults.d/<name>.json`, a file of the test's own, so tests running at once keep their rules.
    public static func setFaults(_ json: String, named name: String? = nil) throws {
        let data = Data(json.utf8)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw MailTestServerError(message: "the fault rules are not valid JSON (\(error)): \(json)")
        }
        guard parsed is [Any] || parsed is [String: Any] else {
            throw MailTestServerError(message: "the fault rules must be a JSON list of objects (or one object): \(json)")
        }
        let endpoints = try endpoints()
        let path: String
        if let name {
            guard !name.isEmpty, !name.contains("/"), !name.hasPrefix(".") else {
                throw MailTestServerError(message: "a fault file's name must be a plain file name, not \"\(name)\"")
            }
            path = "\(endpoints.directory)/smtp-faults.d/\(name).json"
        } else {
            path = endpoints.faultsFile
        }
        // Written aside and renamed, so that the sink never reads half a file.
        let temporary = "\(path).\(uniqueName())"
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try data.write(to: URL(fileURLWithPath: temporary))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: temporary)
        guard rename(temporary, path) == 0 else {
            throw MailTestServerError(message: "could not move \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Runs `body` holding the mailbox lock: shared by default (many at once), exclusive when asked
    /// (alone). It is a `flock` on `mailbox.lock` in the servers' folder, so it orders tests in other
    /// processes too. The wait polls, never blocking a thread.
    public static func withMailbox<T>(
        exclusive: Bool = false, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        let path = "\(try endpoints().directory)/mailbox.lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw MailTestServerError(message: "could not open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        while flock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw MailTestServerError(message: "could not lock \(path): \(String(cString: strerror(errno)))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await body()
    }

    private static func folderPath(_ folder: String) throws -> String {
        let maildir = try endpoints().maildir
        if folder.isEmpty || folder.uppercased() == "INBOX" { return maildir }
        guard !folder.hasPrefix("."), !folder.hasPrefix("/"), !folder.contains("..") else {
            throw MailTestServerError(message: "\"\(folder)\" is not a folder name (say \"Sent\" or \"Archive/2026\")")
        }
        // Maildir++: folder a/b is the directory .a.b beside INBOX's cur/new/tmp.
        return "\(maildir)/.\(folder.replacingOccurrences(of: "/", with: "."))"
    }

    /// `seconds.Mmicros.PpidQsequence.host`, the Maildir convention, sorting by time.
    private static func uniqueName() -> String {
        let now = Date().timeIntervalSince1970
        let seconds = Int(now)
        let micros = Int((now - Double(seconds)) * 1_000_000)
        let count = sequence.add(1, ordering: .relaxed).newValue
        let pid = ProcessInfo.processInfo.processIdentifier
        return "\(seconds).M\(String(format: "%06d", micros))P\(pid)Q\(String(format: "%06d", count)).nightshift-testing"
    }

    /// Run as root, files we make belong to root; Dovecot's mail processes run as the Maildir's owner
    /// (`nobody`), and what it must rename or write into should be theirs.
    private static func giveToMailOwner(_ paths: [String], like reference: String) throws {
        let files = FileManager.default
        let attributes = try files.attributesOfItem(atPath: reference)
        guard let owner = attributes[.ownerAccountID] as? NSNumber, let group = attributes[.groupOwnerAccountID] as? NSNumber,
            owner.uint32Value != geteuid()
        else { return }
        for path in paths where files.fileExists(atPath: path) {
            guard chown(path, owner.uint32Value, group.uint32Value) == 0 else {
                throw MailTestServerError(message: "could not give \(path) to uid \(owner): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// A Maildir's messages, `new/` then `cur/`, each sorted by name. A file Dovecot moves from `new/`
    /// to `cur/` between the listing and the reading sends it round again.
    private static func readMaildir(_ root: String) throws -> [[UInt8]] {
        let files = FileManager.default
        for _ in 0..<5 {
            var result: [[UInt8]] = []
            var moved = false
            for sub in ["new", "cur"] {
                let names = ((try? files.contentsOfDirectory(atPath: "\(root)/\(sub)")) ?? []).sorted()
                for name in names {
                    guard let data = files.contents(atPath: "\(root)/\(sub)/\(name)") else {
                        moved = true
                        continue
                    }
                    result.append([UInt8](data))
                }
            }
            if !moved { return result }
        }
        throw MailTestServerError(message: "\(root) kept changing while it was read")
    }
}

/// Why the mail test servers could not be used.
public struct MailTestServerError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
