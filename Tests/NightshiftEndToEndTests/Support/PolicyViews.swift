import Foundation
import Testing

/// Any JSON value, for the parts of the CLI's output that are free-form (attributes, payloads,
/// audit data).
enum JSONView: Decodable, Sendable, Equatable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONView])
    case object([String: JSONView])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let bool = try? container.decode(Bool.self) {
            self = .bool(bool)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let string = try? container.decode(String.self) {
            self = .string(string)
        } else if let array = try? container.decode([JSONView].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONView].self))
        }
    }

    subscript(key: String) -> JSONView? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .array(let items): "[\(items.map(\.description).joined(separator: ", "))]"
        case .object(let members): "{\(members.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
        }
    }
}

/// An action as `approvals list|show --json` print it, and inside `propose --json`.
/// The snake_case keys are converted, so `decided_by` is `decidedBy` (see ``CLI/decode(_:_:)``).
struct ActionInfo: Decodable, Sendable, CustomStringConvertible {
    var id: String
    var type: String
    var actor: String
    var tenant: String?
    var attributes: JSONView
    var payload: JSONView
    var payloadHash: String
    var payloadIntact: Bool
    var verdict: String
    var decidedBy: [String]
    var reason: String
    var status: String
    var runId: String?
    var createdAt: String
    var expiresAt: String?
    var resolvedBy: String?
    var resolvedAt: String?
    var note: String?
    var executionRunId: String?
    var outcome: String?
    var summary: String?

    var description: String { "\(id) \(type) \(status) [\(decidedBy.joined(separator: ", "))]\(outcome.map { " — \($0)" } ?? "")" }
}

/// `propose --json`: the decision, the recorded action, and whether it executed.
struct ProposeInfo: Decodable, Sendable {
    var verdict: String
    var tier: String?
    var decidedBy: [String]
    var reason: String
    var explanation: [String]
    var action: ActionInfo
    var runId: String?
    var executed: Bool
    var exitStatus: Int?
    var error: String?
}

/// `policy explain --json`.
struct DecisionInfo: Decodable, Sendable {
    var verdict: String
    var tier: String?
    var decidedBy: [String]
    var reason: String
    var explanation: [String]
    /// The moment decided for (`policy explain`, `propose --dry-run`).
    var at: String?
    var dryRun: Bool?
}

/// One record of `audit list --json`.
struct AuditRecordInfo: Decodable, Sendable, CustomStringConvertible {
    var seq: Int
    var at: String
    var kind: String
    var actor: String
    var subject: String
    var data: JSONView
    var previousHash: String
    var hash: String

    var description: String { "\(seq) \(kind) \(subject)" }
}

/// `audit verify --json`.
struct AuditVerifyInfo: Decodable, Sendable {
    var ok: Bool
    var records: Int
    var head: String?
    var brokenAt: Int?
    var problem: String?
}

/// `policy test --json`.
struct PolicyTestInfo: Decodable, Sendable {
    struct Case: Decodable, Sendable {
        var name: String
        var passed: Bool
        var expected: String
        var got: String
        var decidedBy: [String]
        var problem: String?
        var line: Int
    }
    var passed: Int
    var failed: Int
    var cases: [Case]
}

extension TestWorkspace {
    /// `propose TYPE EXTRA… --json`, decoded whatever the exit status (0, 1, 3 and 4 all print the
    /// decision); returns the status too.
    func propose(_ type: String, _ extra: [String] = []) async throws -> (status: Int32, info: ProposeInfo, result: CLIResult) {
        let result = try await CLI.run(args("propose", type) + extra + ["--json"])
        guard [0, 1, 3, 4].contains(result.status) else { throw CLIError("nightshift propose \(type) failed: \(result)") }
        return (result.status, try CLI.decode(ProposeInfo.self, result.stdout), result)
    }

    /// `approvals list [--all] --json`.
    func approvals(all: Bool = false) async throws -> [ActionInfo] {
        try await CLI.json([ActionInfo].self, args("approvals", "list") + (all ? ["--all"] : []))
    }

    /// `approvals show ID --json`.
    func action(_ id: String) async throws -> ActionInfo {
        try await CLI.json(ActionInfo.self, args("approvals", "show", id))
    }

    /// `audit list EXTRA… --json`, newest first.
    func audit(_ extra: [String] = []) async throws -> [AuditRecordInfo] {
        try await CLI.json([AuditRecordInfo].self, args("audit", "list", "--limit", "1000") + extra)
    }

    /// One SQL statement on the store with the `sqlite3` tool; throws when the tool is missing,
    /// since these tests cannot look at (or tamper with) the store without it.
    func sql(_ statement: String) async throws -> String {
        guard let output = try await SQLiteTool.query(storePath, statement) else {
            throw CLIError("sqlite3 is not installed; install it (apt-get install sqlite3) to run the policy tests")
        }
        return output
    }

    /// A number the store holds, read straight from the file: it does not load the workspace, so
    /// it records nothing itself.
    func count(_ table: String) async throws -> Int {
        let text = try await sql("SELECT COUNT(*) FROM \(table);")
        guard let count = Int(text) else { throw CLIError("SELECT COUNT(*) FROM \(table) printed \(text)") }
        return count
    }

    /// A copy of this workspace (configuration, store, logs) in a fresh folder; remove it after use.
    func copy() throws -> TestWorkspace {
        let copy = try TestWorkspace()
        try FileManager.default.copyItem(atPath: root, toPath: copy.root)
        return copy
    }

    /// Writes `text` to a file in the workspace.
    func write(_ relativePath: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: "\(root)/\(relativePath)"))
    }

    func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: "\(root)/\(relativePath)")
    }
}

/// The SHA-256 of a file as the operator's own tool prints it (`sha256sum`, else `shasum -a 256`).
func sha256OfFile(_ path: String) async throws -> String {
    let tools: [(String, [String])] = [("/usr/bin/sha256sum", []), ("/usr/bin/shasum", ["-a", "256"]), ("/bin/sha256sum", [])]
    guard let (tool, flags) = tools.first(where: { FileManager.default.isExecutableFile(atPath: $0.0) }) else {
        throw CLIError("neither sha256sum nor shasum is installed")
    }
    let result = try await CLI.runProgram(tool, flags + [path], environment: CLI.environment(), timeout: 30)
    guard result.status == 0, let hash = result.stdout.split(separator: " ").first else { throw CLIError("\(tool) \(path) failed: \(result)") }
    return String(hash)
}
