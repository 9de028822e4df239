import Benchmark
import BenchmarkSupport
import Foundation
import NightshiftCore
import Synchronization

// Policy decisions per second and latency per decision, with 10, 1,000 and 10,000 rules.
//
// The policies and the request mix come from Benchmarks/policy/generate.py, which writes the same
// policy as a Nightshift policy file and as Cedar policies, and 1,000 requests with the verdict each
// should get; Benchmarks/policy/cedar_bench.py decides the same requests with Cedar (cedarpy) and
// Benchmarks/policy/compare.sh runs both and prints the ratio. Set NIGHTSHIFT_POLICY_BENCH_DIR to a
// folder the generator wrote (compare.sh does); otherwise each benchmark's setup runs the generator
// into a temporary folder of its own and removes it afterwards.
//
// Setup parses the policy file once (`ConfigLoader.parsePolicy`), builds the `PolicyEngine`, and
// turns every request into a `ProposedAction` and its `PolicyContext` (context.hour, .weekday and
// .count_today from the request), then checks that the engine gives every request the expected
// verdict. One iteration is one `engine.decide(_:context:)` (explain off, as `PolicyGate` decides),
// cycling through the requests, so the tool's wall-clock percentiles are per decision and its
// throughput is decisions per second.

/// A policy engine with the request mix to decide against it.
final class DecisionFixture: Sendable {
    let engine: PolicyEngine
    let actions: [ProposedAction]
    let contexts: [PolicyContext]
    private let next = Atomic<Int>(0)

    init(rules: Int, directory: URL) throws {
        let policyURL = directory.appending(path: "policy-\(rules).toml")
        let text = try String(contentsOf: policyURL, encoding: .utf8)
        let parseStart = ContinuousClock.now
        let (parsed, diagnostics) = ConfigLoader.parsePolicy(text, file: policyURL.lastPathComponent)
        let parseTime = ContinuousClock.now - parseStart
        guard let policy = parsed else {
            throw BenchmarkSetupError(message: "\(policyURL.path) does not parse: \(diagnostics.prefix(5).map { "\($0)" })")
        }
        guard policy.rules.count == rules else {
            throw BenchmarkSetupError(message: "\(policyURL.path) has \(policy.rules.count) rules, expected \(rules)")
        }
        engine = PolicyEngine(policy: policy)

        let requests = try JSONDecoder().decode(
            [Request].self, from: Data(contentsOf: directory.appending(path: "requests-\(rules).json"))
        )
        // A fixed instant; the time fields the rules read are overridden per request.
        let now = Date(timeIntervalSince1970: 1_777_896_000) // 2026-05-04T12:00:00Z
        let utc = TimeZone(identifier: "UTC")!
        var actions: [ProposedAction] = []
        var contexts: [PolicyContext] = []
        for request in requests {
            guard let actor = Actor(parsing: request.actor) else {
                throw BenchmarkSetupError(message: "bad actor \(request.actor)")
            }
            actions.append(ProposedAction(type: request.type, attributes: request.attributes, actor: actor, tenant: request.tenant))
            var context = PolicyContext(now: now, timeZone: utc, countToday: request.context.countToday)
            context.override(.hour, with: .integer(Int64(request.context.hour)))
            context.override(.weekday, with: .string(request.context.weekday))
            contexts.append(context)
        }
        self.actions = actions
        self.contexts = contexts

        var wrong: [String] = []
        for (index, request) in requests.enumerated() {
            let decision = engine.decide(actions[index], context: contexts[index])
            if decision.verdict.rawValue != request.expect {
                wrong.append("#\(index) \(request.type): expected \(request.expect) (\(request.expectDeciders)), got \(decision.verdict) (\(decision.decidedBy))")
            }
        }
        guard wrong.isEmpty else {
            throw BenchmarkSetupError(message: "\(wrong.count) of \(requests.count) verdicts differ: \(wrong.prefix(5).joined(separator: "; "))")
        }
        let message = "PolicyDecisions: \(rules) rules parsed in \(parseTime), \(requests.count) requests, all verdicts as expected\n"
        FileHandle.standardError.write(Data(message.utf8))
    }

    /// The index of the next request, cycling through them.
    func take() -> Int {
        next.add(1, ordering: .relaxed).oldValue % actions.count
    }
}

/// One request of requests-N.json.
struct Request: Decodable {
    struct Context: Decodable {
        var hour: Int
        var weekday: String
        var countToday: Int
        enum CodingKeys: String, CodingKey {
            case hour, weekday
            case countToday = "count_today"
        }
    }

    var type: String
    var actor: String
    var tenant: String?
    var attributes: [String: JSONValue]
    var context: Context
    var expect: String
    var expectDeciders: [String]

    enum CodingKeys: String, CodingKey {
        case type, actor, tenant, attributes, context, expect
        case expectDeciders = "expect_deciders"
    }
}

/// The folder with the generated files: NIGHTSHIFT_POLICY_BENCH_DIR, or a new temporary folder the
/// generator writes `rules` into (`owned` is then true: the caller removes it).
func dataDirectory(rules: Int) throws -> (url: URL, owned: Bool) {
    if let path = ProcessInfo.processInfo.environment["NIGHTSHIFT_POLICY_BENCH_DIR"], !path.isEmpty {
        return (URL(filePath: path, directoryHint: .isDirectory), false)
    }
    let directory = FileManager.default.temporaryDirectory
        .appending(path: "nightshift-policy-bench-\(UUID().uuidString)", directoryHint: .isDirectory)
    // This file is Benchmarks/Benchmarks/PolicyDecisions/PolicyDecisions.swift.
    let generator = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appending(path: "policy/generate.py")
    let process = Process()
    process.executableURL = URL(filePath: "/usr/bin/env")
    process.arguments = ["python3", generator.path, "--out", directory.path, "--rules", String(rules)]
    process.standardOutput = FileHandle.standardError
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BenchmarkSetupError(message: "\(generator.path) exited with \(process.terminationStatus)")
    }
    return (directory, true)
}

let ruleCounts: [Int] = {
    let text = ProcessInfo.processInfo.environment["NIGHTSHIFT_POLICY_BENCH_RULES"] ?? "10,1000,10000"
    return text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
}()

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 1_000,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 200_000
    )

    for rules in ruleCounts {
        let owned = Mutex<URL?>(nil)
        Benchmark("decide, \(rules) rules", configuration: configuration) { (benchmark: Benchmark, fixture: DecisionFixture) in
            let index = fixture.take()
            let action = fixture.actions[index]
            let context = fixture.contexts[index]
            benchmark.startMeasurement()
            let decision = fixture.engine.decide(action, context: context)
            benchmark.stopMeasurement()
            blackHole(decision)
        } setup: {
            let (directory, isTemporary) = try dataDirectory(rules: rules)
            if isTemporary { owned.withLock { $0 = directory } }
            return try DecisionFixture(rules: rules, directory: directory)
        } teardown: {
            if let directory = owned.withLock({ $0 }) { try? FileManager.default.removeItem(at: directory) }
        }
    }
}
