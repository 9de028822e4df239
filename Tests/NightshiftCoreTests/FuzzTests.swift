import Foundation
import NightshiftCore
import NightshiftTesting
import Testing

/// Every parser of outside input, fed thousands of mutated inputs from fixed seeds: none may crash,
/// hang (each input is timed) or refuse with a malformed error (issue 11, item 18). The long runs
/// are libFuzzer's: `scripts/fuzz PARSER` (docs/RELIABILITY.md).
@Suite("Fuzzing the parsers", .timeLimit(.minutes(5)))
struct FuzzTests {
    /// The longest one input may take, far above the few milliseconds any takes, so only a hang
    /// (or a quadratic blow-up) trips it on a loaded machine.
    static let perInput = Duration.seconds(2)

    @Test(arguments: [
        (FuzzTarget.cron, 4000, UInt64(15)), (.toml, 2000, 16), (.policy, 2000, 17), (.ics, 2000, 18), (.json, 4000, 19), (.shell, 3000, 20),
    ])
    func parserSurvives(_ target: FuzzTarget, count: Int, seed: UInt64) async {
        await Self.fuzz(target, count: count, seed: seed)
    }

    /// Feeds `count` mutated inputs to `target`, recording the first five that break a property or
    /// take longer than ``perInput``. The loop runs on a thread of its own (``onOwnThread(_:)``).
    static func fuzz(_ target: FuzzTarget, count: Int, seed: UInt64) async {
        let seeds = target.seeds + Self.exampleFiles(for: target)
        let failures = await onOwnThread { () -> [String] in
            let inputs = FuzzInputs(seeds: seeds, dictionary: target.dictionary, count: count, seed: seed)
            var failures: [String] = []
            let clock = ContinuousClock()
            for (index, input) in inputs.enumerated() where failures.count < 5 {
                var broken: String?
                let elapsed = clock.measure { broken = target.check(input) }
                if let broken {
                    failures.append("\(target) input \(index) (seed \(seed)): \(broken)\ninput: \(Self.shown(input))")
                } else if elapsed > Self.perInput {
                    failures.append("\(target) input \(index) (seed \(seed)) took \(elapsed)\ninput: \(Self.shown(input))")
                }
            }
            return failures
        }
        for failure in failures { Issue.record(Comment(rawValue: failure)) }
    }

    /// The example workspaces' files, as more seeds for the config and policy parsers.
    static func exampleFiles(for target: FuzzTarget) -> [String] {
        // #filePath is <package>/Tests/NightshiftCoreTests/FuzzTests.swift.
        let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples").path
        let names: [String] = switch target {
        case .toml: ["minimal/nightshift.toml", "builder/nightshift.toml", "sales/nightshift.toml"]
        case .policy: ["builder/policy.toml", "sales/policy.toml", "builder/policy-cases.toml", "sales/policy-cases.toml"]
        default: []
        }
        return names.compactMap { try? String(contentsOfFile: "\(examples)/\($0)", encoding: .utf8) }
    }

    /// An input as a Swift string literal would write it, cut at 2000 characters.
    static func shown(_ input: Data) -> String {
        let text = String(decoding: input.prefix(2000), as: UTF8.self)
        return text.debugDescription + (input.count > 2000 ? " … (\(input.count) bytes)" : "")
    }

    /// Inputs that once broke a parser, replayed on every run.
    @Test(arguments: [
        (FuzzTarget.cron, "1-2/9223372036854775807 * * * *"),
        (.cron, "0 0 */9223372036854775807 * *"),
        (.toml, "[workspace]\nmax_concurrent = 9223372036854775807"),
        (.toml, "[jobs.a]\nevery = \"1m\"\ncommand = [\"true\"]\nretry = { attempts = 100, max_backoff = \"106751991167d\" }"),
        (.toml, "[health]\nlog_rotate_size = \"infGB\""),
        (.policy, "[[cases]]\ntype = \"x\"\nexpect = \"allow\"\ncontext = { count_today = 1e300 }"),
        (.policy, "max_denials = 9223372036854775807"),
        (.json, String(repeating: "[", count: 100_000)),
    ])
    func regressions(_ target: FuzzTarget, _ input: String) {
        #expect(target.check(Data(input.utf8)) == nil)
    }
}

/// The same mutation fuzzing for as long as asked, without CI's time limit: with
/// `NIGHTSHIFT_FUZZ_CASES=N` set, N inputs per parser (seeds 1000 onwards). Not coverage-guided;
/// the libFuzzer harnesses of `scripts/fuzz` are.
@Suite("Fuzzing the parsers, long")
struct LongFuzzTests {
    static let cases = ProcessInfo.processInfo.environment["NIGHTSHIFT_FUZZ_CASES"].flatMap { Int($0) }

    @Test(.enabled(if: cases != nil), arguments: FuzzTarget.allCases)
    func parserSurvivesLong(_ target: FuzzTarget) async {
        await FuzzTests.fuzz(target, count: Self.cases ?? 0, seed: 1000 + UInt64(FuzzTarget.allCases.firstIndex(of: target)!))
    }
}
