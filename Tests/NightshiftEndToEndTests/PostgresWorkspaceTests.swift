import Foundation
import NightshiftTesting
import Testing

/// A workspace whose store is PostgreSQL (`[store] url`), driven from the CLI: the same commands,
/// the runs and the audit trail in the database, not in `nightshift.sqlite`.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct PostgresWorkspaceTests {
    /// The test server's URL for a schema of the test's own (created by the first migration).
    static func databaseURL() throws -> (url: String, schema: String) {
        let schema = "e2e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let base = try PostgresTestCluster.url()
        return (base + (base.contains("?") ? "&" : "?") + "schema=\(schema)", schema)
    }

    /// `psql` on the test server; its output, trimmed.
    static func psql(_ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", try PostgresTestCluster.url(), "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else { throw CLIError("psql failed: \(text)") }
        return text
    }

    static let config = """
        [workspace]
        time_zone = "UTC"

        [store]
        url = "env:NIGHTSHIFT_DATABASE_URL"

        [jobs.tick]
        every = "1s"
        command = ["sh", "-c", "echo tick"]
        """

    @Test("[store] url = \"env:…\" puts the runs and the audit trail in PostgreSQL; the empty database is adopted with --new-store")
    func aWorkspaceOnPostgres() async throws {
        let (url, schema) = try Self.databaseURL()
        defer { _ = try? Self.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let environment = ["NIGHTSHIFT_DATABASE_URL": url]
        try await withWorkspace { workspace in
            try await workspace.initialize(config: Self.config)

            let unset = try await CLI.run(workspace.args("status"))
            #expect(unset.status == 2, "\(unset)")
            #expect(unset.stderr.contains("NIGHTSHIFT_DATABASE_URL is not set"), "\(unset)")

            // The workspace's marker names the SQLite store `init` made: an empty database is refused until adopted.
            let refused = try await CLI.run(workspace.args("status"), environment: environment)
            #expect(refused.status == 1 && refused.stderr.contains("is empty") && refused.stderr.contains("--new-store"), "\(refused)")
            #expect(!refused.stderr.contains(url) || !url.contains(":@"), "\(refused)")
            let adopted = try await CLI.run(workspace.args("status", "--new-store"), environment: environment)
            #expect(adopted.status == 0, "\(adopted)")

            let serve = try await ServeProcess.start(workspace, environment: environment)
            defer { serve.kill() }
            try await waitUntil("the job has run twice from the database", timeout: 30) {
                try await CLI.json([RunInfo].self, workspace.args("runs", "list", "--job", "tick", "--state", "succeeded"), environment: environment)
                    .count >= 2
            }
            let code = try await serve.stop(SIGTERM)
            #expect(!serve.killedBySignal && code == 0, "\(serve.stderr)")

            let runs = try await CLI.json([RunInfo].self, workspace.args("runs", "list", "--job", "tick"), environment: environment)
            let stored = try Int(Self.psql("SELECT count(*) FROM \(schema).runs WHERE job = 'tick'")) ?? -1
            #expect(stored == runs.count && stored >= 2, "the runs listed are the database's: \(stored) rows, \(runs.count) listed")
            let slots = try Self.psql("SELECT count(*) = count(DISTINCT slot_key) FROM \(schema).runs WHERE job = 'tick' AND attempt = 1")
            #expect(slots == "t", "one run per slot")
            #expect(try Self.psql("SELECT count(*) FROM \(schema).audit WHERE kind = 'store_change'") == "1", "the adoption is in the database's trail")

            let verify = try await CLI.run(workspace.args("audit", "verify"), environment: environment)
            #expect(verify.status == 0 && verify.stdout.contains("ok"), "\(verify)")
            // The SQLite file `init` made holds none of it.
            #expect(try await workspace.sql("SELECT count(*) FROM runs;") == "0")
        }
    }

    @Test("a [store] url with a password or that is not a postgres:// URL is refused with FILE:LINE:COL and exit 2")
    func badURLsAreRefused() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize()
            for (value, message) in [
                ("postgres://nightshift:hunter2@db.internal/nightshift", "the URL carries a password"),
                ("mysql://db.internal/nightshift", "does not start with postgres://"),
                ("env:NOT A NAME", "is not a valid env:NAME reference"),
            ] {
                try workspace.write(config: "[workspace]\ntime_zone = \"UTC\"\n\n[store]\nurl = \"\(value)\"\n")
                let check = try await CLI.run(workspace.args("config", "check"))
                #expect(check.status == 2, "\(value): \(check)")
                #expect(check.stderr.contains("nightshift.toml:5:7: ") && check.stderr.contains(message), "\(value): \(check)")
                #expect(!check.stderr.contains("hunter2") && !check.stdout.contains("hunter2"), "the password is never shown: \(check)")
            }
        }
    }

    @Test("three nodes on one database share an every-second job: one run per slot, none lost; a SIGKILLed node's run is recovered by another")
    func threeNodesShareTheSchedule() async throws {
        let (url, schema) = try Self.databaseURL()
        defer { _ = try? Self.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let environment = ["NIGHTSHIFT_DATABASE_URL": url]
        let config = """
            [workspace]
            time_zone = "UTC"

            [store]
            url = "env:NIGHTSHIFT_DATABASE_URL"

            [jobs.tick]
            schedule = "*/1 * * * * *"
            command = ["sh", "-c", "sleep 2"]
            overlap = "allow"
            retry = { attempts = 3, backoff = "1s" }
            """
        // Each node has a workspace folder of its own (its logs, its journal), the same configuration,
        // and the marker of the one store, copied from the first as an operator copies the folder.
        let folders = try (0..<3).map { _ in try TestWorkspace() }
        defer { folders.forEach { $0.remove() } }
        for folder in folders { try await folder.initialize(config: config) }
        let adopted = try await CLI.run(folders[0].args("status", "--new-store"), environment: environment)
        #expect(adopted.status == 0, "\(adopted)")
        let marker = "\(folders[0].root)/.nightshift-store-id"
        for folder in folders.dropFirst() {
            try FileManager.default.removeItem(atPath: "\(folder.root)/.nightshift-store-id")
            try FileManager.default.copyItem(atPath: marker, toPath: "\(folder.root)/.nightshift-store-id")
        }

        var nodes = [ServeProcess]()
        defer { nodes.forEach { $0.kill() } }
        for folder in folders { nodes.append(try await ServeProcess.start(folder, environment: environment)) }
        let status = try await CLI.run(folders[1].args("status"), environment: environment)
        #expect(status.stdout.contains("scheduler  running on 3 nodes"), "\(status)")

        // Let the three share the schedule, then kill one while a run of its may be under way.
        try await Task.sleep(for: .seconds(5))
        let killed = nodes[0]
        try await killed.stop(SIGKILL)
        try await Task.sleep(for: .seconds(3))
        nodes[0] = try await ServeProcess.start(folders[0], environment: environment)
        try await Task.sleep(for: .seconds(3))
        for node in nodes {
            let code = try await node.stop(SIGTERM)
            #expect(!node.killedBySignal && code == 0, "\(node.stderr)")
        }

        let runs = try await CLI.json([RunInfo].self, folders[2].args("runs", "list", "--job", "tick", "--limit", "1000"), environment: environment)
        print("three nodes: runs by state \(Dictionary(grouping: runs, by: \.state).mapValues(\.count)), by attempt \(Dictionary(grouping: runs, by: \.attempt).mapValues(\.count)), interrupted: \(runs.filter { $0.state == "interrupted" }.map { "\($0.id) \($0.error ?? "")" })")
        let firsts = runs.filter { $0.attempt == 1 && $0.trigger == "schedule" }
        #expect(Set(firsts.map(\.slot)).count == firsts.count, "one run per slot: \(firsts)")
        let owners = Set(runs.compactMap(\.owner).map { $0.split(separator: "#").last.map(String.init) ?? $0 })
        #expect(owners.count >= 2, "the nodes shared the runs: \(owners)")
        // Every second from the first slot to the last has its run: none was lost while a node died.
        let seconds = Set(firsts.compactMap { try? parseISO8601($0.slot) }.map { Int($0.timeIntervalSince1970) })
        if let first = seconds.min(), let last = seconds.max() {
            let lost = (first...last).filter { !seconds.contains($0) }
            #expect(lost.isEmpty, "no slot lost: \(lost.map { Date(timeIntervalSince1970: Double($0)) })")
        }
        #expect(!runs.contains { $0.state == "running" }, "the killed node's run was recovered: \(runs.filter { $0.state == "running" })")
        let verify = try await CLI.run(folders[1].args("audit", "verify"), environment: environment)
        #expect(verify.status == 0 && verify.stdout.contains("audit trail ok"), "one audit chain across the nodes: \(verify)")
    }

    @Test("store migrate copies a SQLite workspace into PostgreSQL and back: the same rows, identity and audit head; a non-empty target is refused")
    func migrateToPostgresAndBack() async throws {
        let (url, schema) = try Self.databaseURL()
        defer { _ = try? Self.psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let environment = ["NIGHTSHIFT_DATABASE_URL": url]
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[workspace]\ntime_zone = \"UTC\"\n\n[jobs.hello]\nevery = \"1h\"\ncommand = [\"echo\", \"hi\"]\n")
            for _ in 0..<3 { #expect(try await CLI.run(workspace.args("jobs", "run", "hello")).status == 0) }
            let before = try await workspace.runs()
            // A pack's table goes along: the sales pack's prospects.
            try workspace.write("leads.csv", "Name,Email\nAda,ada@example.com\nGrace,grace@example.com\n")
            #expect(try await CLI.run(workspace.args("prospects", "import", "\(workspace.root)/leads.csv")).status == 0)
            let prospects = try await CLI.run(workspace.args("prospects", "list", "--json"))

            let bad = try await CLI.run(workspace.args("store", "migrate", "--to", "mysql://db/x"))
            #expect(bad.status == 2 && bad.stderr.contains("--to must be"), "\(bad)")
            let copied = try await CLI.run(workspace.args("store", "migrate", "--to", "env:NIGHTSHIFT_DATABASE_URL", "--json"), environment: environment)
            #expect(copied.status == 0, "\(copied)")
            #expect(copied.stdout.contains("\"audit_records\"") && copied.stdout.contains("\"runs\" : 3"), "\(copied)")
            #expect(try Self.psql("SELECT count(*) FROM \(schema).runs") == "3")
            #expect(try Self.psql("SELECT count(*) FROM \(schema).sales_prospects") == "2")
            let again = try await CLI.run(workspace.args("store", "migrate", "--to", "env:NIGHTSHIFT_DATABASE_URL"), environment: environment)
            #expect(again.status == 1 && again.stderr.contains("is not empty"), "\(again)")

            // The workspace, pointed at the copy, is the same store: its runs, its marker, a chain that verifies.
            try workspace.write(config: "[workspace]\ntime_zone = \"UTC\"\n\n[store]\nurl = \"env:NIGHTSHIFT_DATABASE_URL\"\n\n[jobs.hello]\nevery = \"1h\"\ncommand = [\"echo\", \"hi\"]\n")
            let runs = try await CLI.json([RunInfo].self, workspace.args("runs", "list"), environment: environment)
            #expect(runs.map(\.id) == before.map(\.id))
            let verify = try await CLI.run(workspace.args("audit", "verify"), environment: environment)
            #expect(verify.status == 0 && verify.stdout.contains("audit trail ok"), "\(verify)")
            let copiedProspects = try await CLI.run(workspace.args("prospects", "list", "--json"), environment: environment)
            #expect(copiedProspects.stdout == prospects.stdout, "the prospects, every field, on PostgreSQL: \(copiedProspects)")

            let back = "\(workspace.root)/back.sqlite"
            let returned = try await CLI.run(workspace.args("store", "migrate", "--to", "sqlite:\(back)"), environment: environment)
            #expect(returned.status == 0, "\(returned)")
            try await SQLiteTool.expectIntegrity(back)
            let existing = try await CLI.run(workspace.args("store", "migrate", "--to", "sqlite:\(back)"), environment: environment)
            #expect(existing.status == 1 && existing.stderr.contains("exists"), "\(existing)")
        }
    }

    @Test("a database that cannot be reached fails the command within seconds, naming it without its password")
    func unreachableDatabase() async throws {
        try await withWorkspace { workspace in
            try await workspace.initialize(config: "[workspace]\ntime_zone = \"UTC\"\n\n[store]\nurl = \"env:NIGHTSHIFT_DATABASE_URL\"\n")
            let started = Date()
            // Port 9 (discard) on loopback: nothing listens there.
            let result = try await CLI.run(
                workspace.args("status"), environment: ["NIGHTSHIFT_DATABASE_URL": "postgres://nightshift:hunter2@127.0.0.1:9/nightshift"]
            )
            #expect(result.status == 1 && result.stderr.contains("no connection to the PostgreSQL server"), "\(result)")
            #expect(!result.stderr.contains("hunter2"), "\(result)")
            #expect(Date().timeIntervalSince(started) < 30)
        }
    }

    /// `scripts/postgres-test-cluster COMMAND` for a private cluster (its own folder and port), so
    /// that restarting it disturbs no other test.
    static func privateCluster(_ command: String, folder: String, port: Int) throws -> String {
        let (status, output) = try PostgresTestCluster.runScript(
            PostgresTestCluster.script, [command], environment: ["NIGHTSHIFT_TEST_POSTGRES_DIR": folder, "NIGHTSHIFT_TEST_POSTGRES_PORT": String(port)]
        )
        guard status == 0 else { throw CLIError("postgres-test-cluster \(command) failed: \(output)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("the database restarted under a serving node, then away for 5 s: the node reconnects and carries on, nothing recorded twice")
    func databaseRestartedMidRun() async throws {
        // A port in the ephemeral range may be some connection's local port at that moment: another
        // (in a folder of its own, as the port is written at initdb) is tried when the server cannot
        // listen on it.
        var folder = "", port = 0
        for attempt in 1...5 {
            folder = NSTemporaryDirectory() + "nightshift-pg-restart-\(UUID().uuidString.prefix(8))"
            port = 55000 + Int.random(in: 0..<900)
            do {
                _ = try Self.privateCluster("start", folder: folder, port: port)
                break
            } catch where attempt < 5 && "\(error)".contains("could not start server") {
                _ = try? Self.privateCluster("stop", folder: folder, port: port)
            }
        }
        defer { _ = try? Self.privateCluster("stop", folder: folder, port: port) }
        let url = try Self.privateCluster("url", folder: folder, port: port)
        let environment = ["NIGHTSHIFT_DATABASE_URL": url]
        try await withWorkspace { workspace in
            try await workspace.initialize(config: """
                [workspace]
                time_zone = "UTC"

                [store]
                url = "env:NIGHTSHIFT_DATABASE_URL"

                [jobs.tick]
                schedule = "*/1 * * * * *"
                command = ["sh", "-c", "sleep 0.2"]
                retry = { attempts = 3, backoff = "1s" }
                """)
            #expect(try await CLI.run(workspace.args("status", "--new-store"), environment: environment).status == 0)
            let serve = try await ServeProcess.start(workspace, environment: environment)
            defer { serve.kill() }
            func succeeded() async throws -> Int {
                try await CLI.json([RunInfo].self, workspace.args("runs", "list", "--job", "tick", "--state", "succeeded", "--limit", "1000"), environment: environment)
                    .count
            }
            /// Waits for `count` succeeded runs; on a timeout, records the node's log and its latest runs.
            func waitForRuns(_ what: String, atLeast count: Int) async throws {
                do {
                    try await waitUntil(what, timeout: 60) { try await succeeded() >= count }
                } catch {
                    let runs = try? await CLI.run(workspace.args("runs", "list", "--job", "tick", "--limit", "30"), environment: environment)
                    Issue.record("\(error)\nthe node's log:\n\(serve.stderr.split(separator: "\n").filter { !$0.contains("slot skipped") }.suffix(60).joined(separator: "\n"))\nits runs:\n\(runs?.stdout ?? "")\n\(runs?.stderr ?? "")")
                    throw error
                }
            }
            try await waitUntil("the job has run", timeout: 30) { try await succeeded() >= 2 }

            _ = try Self.privateCluster("restart", folder: folder, port: port)
            let afterRestart = try await succeeded()
            try await waitForRuns("runs succeed again after the restart", atLeast: afterRestart + 3)

            _ = try Self.privateCluster("pause", folder: folder, port: port)
            try await Task.sleep(for: .seconds(5))
            _ = try Self.privateCluster("start", folder: folder, port: port)
            let afterPause = try await succeeded()
            try await waitForRuns("runs succeed again after 5 s without the database", atLeast: afterPause + 3)
            #expect(serve.isRunning, "the node stayed up through both: \(serve.stderr)")

            let code = try await serve.stop(SIGTERM)
            #expect(!serve.killedBySignal && code == 0, "\(serve.stderr)")
            let runs = try await CLI.json([RunInfo].self, workspace.args("runs", "list", "--job", "tick", "--limit", "1000"), environment: environment)
            let firsts = runs.filter { $0.attempt == 1 }
            #expect(Set(firsts.map(\.slot)).count == firsts.count, "no slot recorded twice")
            #expect(!runs.contains { $0.state == "running" }, "\(runs.filter { $0.state == "running" })")
            let verify = try await CLI.run(workspace.args("audit", "verify"), environment: environment)
            #expect(verify.status == 0 && verify.stdout.contains("audit trail ok"), "\(verify)")
        }
    }
}
