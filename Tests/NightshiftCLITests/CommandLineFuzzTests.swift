import ArgumentParser
import Foundation
import NightshiftTesting
import Testing

@testable import nightshift

/// The command line, parsed in-process by the CLI's own command types from random argv: no input
/// may crash it or be refused without a message (issue 11, item 18). The long runs are libFuzzer's:
/// `scripts/fuzz cli` (docs/RELIABILITY.md).
@Suite("Fuzzing the command line", .timeLimit(.minutes(5)))
struct CommandLineFuzzTests {
    @Test func randomArgumentsParseOrAreRefused() async {
        // On a thread of its own: a second of parsing must not hold a thread of the cooperative pool.
        let (failures, count, took) = await onOwnThread { () -> ([String], Int, Duration) in
            let inputs = FuzzInputs(seeds: CommandLineFuzzing.seeds, dictionary: CommandLineFuzzing.dictionary, count: 1000, seed: 20)
            var failures: [String] = []
            let started = ContinuousClock.now
            for (index, input) in inputs.enumerated() where failures.count < 5 {
                let arguments = CommandLineFuzzing.arguments(input)
                if let broken = Nightshift.checkParsing(arguments) {
                    failures.append("input \(index): \(broken)\narguments: \(arguments)")
                }
            }
            return (failures, inputs.count + inputs.seeds.count, ContinuousClock.now - started)
        }
        for failure in failures { Issue.record(Comment(rawValue: failure)) }
        print("command-line fuzz: \(count) inputs in \(took)")
    }

    /// ArgumentParser reads options with `Int(_:)` and `Double(_:)`; ours take decimal digits only.
    @Test(arguments: [
        (["queue", "add", "t", "--category", "c", "--hours", "0x10"], "--hours"),
        (["queue", "add", "t", "--category", "c", "--hours", "nan"], "--hours"),
        (["queue", "add", "t", "--category", "c", "--hours", "1e2"], "--hours"),
        (["runs", "list", "--limit", "+5"], "--limit"),
        (["schedule", "next", "* * * * *", "--count", "9223372036854775808"], "--count"),
    ])
    func numbersInOtherFormsAreRefusedNamingTheFlag(_ arguments: [String], _ flag: String) throws {
        #expect(throws: (any Error).self) { try Nightshift.parseAsRoot(arguments) }
        do {
            _ = try Nightshift.parseAsRoot(arguments)
        } catch {
            let message = Nightshift.fullMessage(for: error)
            #expect(message.contains(flag), "\(message)")
            #expect(message.contains(arguments.last!), "\(message)")
        }
    }

    @Test(arguments: ["2.5", "168", "0.25"])
    func decimalHoursAreRead(_ hours: String) throws {
        let command = try Nightshift.parseAsRoot(["queue", "add", "t", "--category", "c", "--hours", hours])
        #expect((command as? QueueCommand.Add)?.hours == Double(hours))
    }
}
