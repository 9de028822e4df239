import Foundation
import Testing

/// The store's identity (issue 11, item 10): a workspace opens only the store it had. An emptied,
/// missing or swapped `nightshift.sqlite` is refused — by every command, `audit verify` and
/// `doctor` included — naming both identities, until the operator says `--new-store`.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct StoreIdentityTests {
    static let config = """
        [workspace]
        time_zone = "UTC"

        [notifiers.file]
        command = ["sh", "-c", "echo \\"$NIGHTSHIFT_ALERT_TEXT\\" >> alerts.txt"]

        [policy.catalog]
        tidy_logs = "autonomous"
        """

    @Test("an emptied, another workspace's or a missing store is refused naming both ids; --new-store adopts it and says so in the trail")
    func replacedStoresAreRefused() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            #expect(try await workspace.propose("tidy_logs").status == 0)
            let mine = try Self.marker(workspace)
            #expect(mine.hasPrefix("store_"), "init writes the marker: \(mine)")
            #expect(try await workspace.sql("SELECT id FROM store_identity;") == mine, "the store holds the marker's id")

            let other = try TestWorkspace()
            defer { other.remove() }
            try await other.initialize(config: Self.config)
            let theirs = try Self.marker(other)
            #expect(theirs != mine)

            // Emptied: `: > nightshift.sqlite`.
            try Data().write(to: URL(fileURLWithPath: workspace.storePath))
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: workspace.storePath + suffix) }
            let emptied = try await CLI.run(workspace.args("status"))
            #expect(emptied.status == 1, "\(emptied)")
            #expect(emptied.stderr.contains("the store \(workspace.storePath) is empty"), "\(emptied)")
            #expect(emptied.stderr.contains("this workspace's store is \(mine)") && emptied.stderr.contains("--new-store"), "\(emptied)")
            let verify = try await CLI.run(workspace.args("audit", "verify"))
            #expect(verify.status == 1 && !verify.stdout.contains("ok"), "audit verify must not say ok on an emptied store: \(verify)")
            let doctor = try await CLI.run(workspace.args("doctor", "--alert"))
            #expect(doctor.status == 1, "\(doctor)")
            #expect(doctor.stdout.contains("CRITICAL store: the store \(workspace.storePath) is empty"), "\(doctor)")
            #expect(workspace.read("alerts.txt")?.contains("is empty") == true, "doctor --alert reaches the notifiers without the store")

            // Another workspace's store copied in.
            try FileManager.default.removeItem(atPath: workspace.storePath)
            try FileManager.default.copyItem(atPath: other.storePath, toPath: workspace.storePath)
            let swapped = try await CLI.run(workspace.args("audit", "verify"))
            #expect(swapped.status == 1 && !swapped.stdout.contains("ok"), "\(swapped)")
            #expect(swapped.stderr.contains("is \(theirs), another workspace's store, but this workspace's store is \(mine)"), "\(swapped)")

            // Missing: refused without creating a file.
            try FileManager.default.removeItem(atPath: workspace.storePath)
            let missing = try await CLI.run(workspace.args("jobs", "list"))
            #expect(missing.status == 1 && missing.stderr.contains("the store \(workspace.storePath) is missing"), "\(missing)")
            #expect(!FileManager.default.fileExists(atPath: workspace.storePath), "a refused open must not create the store")

            // The operator decides: a new store, recorded as the trail's first word.
            let adopted = try await CLI.run(workspace.args("status", "--new-store"))
            #expect(adopted.status == 0, "\(adopted)")
            let fresh = try Self.marker(workspace)
            #expect(fresh != mine && fresh != theirs && fresh.hasPrefix("store_"), "\(fresh)")
            let changes = try await workspace.audit(["--type", "store_change"])
            #expect(changes.count == 1, "\(changes)")
            #expect(changes.first?.data["previous_marker"] == .string(mine) && changes.first?.data["reason"] == .string("missing"), "\(changes)")
            #expect(changes.first?.data["store"] == .string(fresh) && changes.first?.actor == "cli:operator", "\(changes)")
            #expect(try await CLI.run(workspace.args("status")).status == 0, "the adopted store opens without the flag")
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }

    @Test("--new-store on another workspace's store gives it a new identity, so the two can no longer be mistaken")
    func adoptingAnotherStoreRenamesIt() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            let other = try TestWorkspace()
            defer { other.remove() }
            try await other.initialize(config: Self.config)
            let theirs = try Self.marker(other)
            try FileManager.default.removeItem(atPath: workspace.storePath)
            try FileManager.default.copyItem(atPath: other.storePath, toPath: workspace.storePath)

            let adopted = try await CLI.run(workspace.args("jobs", "list", "--new-store"))
            #expect(adopted.status == 0, "\(adopted)")
            let now = try Self.marker(workspace)
            #expect(now != theirs, "the adopted copy must not keep the other workspace's identity")
            let change = try #require(try await workspace.audit(["--type", "store_change"]).first)
            #expect(change.data["reason"] == .string("another store") && change.data["previous_store"] == .string(theirs), "\(change)")
            // The other workspace still opens its own store.
            #expect(try await CLI.run(other.args("status")).status == 0)
        }
    }

    @Test("a workspace from before store identities (no marker, no identity) is adopted silently, once")
    func legacyWorkspaceIsAdoptedOnce() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)
            #expect(try await workspace.propose("tidy_logs").status == 0)
            // What an older Nightshift left: the schema without the identity table, and no marker.
            _ = try await workspace.sql("DROP TABLE IF EXISTS store_identity; DELETE FROM grdb_migrations WHERE identifier = 'identity';")
            try FileManager.default.removeItem(atPath: "\(workspace.root)/.nightshift-store-id")

            let first = try await CLI.run(workspace.args("status"))
            #expect(first.status == 0 && first.stderr.isEmpty, "adopted without a word: \(first)")
            let id = try Self.marker(workspace)
            #expect(try await workspace.sql("SELECT id FROM store_identity;") == id)
            let changes = try await workspace.audit(["--type", "store_change"])
            #expect(changes.count == 1 && changes.first?.data["reason"] == .string("from before store identities"), "\(changes)")

            #expect(try await CLI.run(workspace.args("status")).status == 0)
            #expect(try Self.marker(workspace) == id, "the marker stays")
            #expect(try await workspace.audit(["--type", "store_change"]).count == 1, "adopted once")
            #expect(try await CLI.run(workspace.args("audit", "verify")).status == 0)
        }
    }

    @Test("serve creates a workspace with its store and marker on first use")
    func serveCreatesTheMarker() async throws {
        try await withWorkspace { workspace in
            let serve = try await ServeProcess.start(workspace)
            defer { serve.kill() }
            #expect(try Self.marker(workspace).hasPrefix("store_"))
            let status = try await CLI.run(workspace.args("status"))
            #expect(status.status == 0 && status.stdout.contains("running"), "the CLI opens the store the daemon created: \(status)")
        }
    }

    /// The identity named in the workspace's marker file.
    static func marker(_ workspace: TestWorkspace) throws -> String {
        let text = try String(contentsOfFile: "\(workspace.root)/.nightshift-store-id", encoding: .utf8)
        guard let id = text.split(separator: "\n").map(String.init).first(where: { !$0.hasPrefix("#") && !$0.isEmpty }) else {
            throw CLIError("no id in the marker: \(text)")
        }
        return id
    }
}
