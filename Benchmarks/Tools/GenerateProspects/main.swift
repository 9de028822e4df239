import Foundation
import NightshiftTesting

// Writes the sales benchmark's input: a prospect file from `ProspectFileGenerator` and its truth,
// the groups of 0-based data-row indices that are one person, one group a line as JSON
// (`[17,4512]`). A plain executable, not a benchmark-plugin target (it lives under Tools/ for that
// reason): Benchmarks/sales/run builds it and times Nightshift and Splink on what it writes.
//
//   GenerateProspects --count 1000000 --duplicates 0.05 --seed 42 --csv prospects.csv --truth truth.jsonl
//
// Row i has the id `P` + (i + 1) zero-padded to 7 digits: P0000001 is row 0.

struct Arguments {
    var count = 1_000_000
    var duplicateRate = 0.05
    var seed: UInt64 = 42
    var csv = "prospects.csv"
    var truth = "truth.jsonl"

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw UsageError(message: "\(flag) needs a value") }
            switch flag {
            case "--count": count = try Self.parse(flag, value, Int.init)
            case "--duplicates": duplicateRate = try Self.parse(flag, value, Double.init)
            case "--seed": seed = try Self.parse(flag, value, UInt64.init)
            case "--csv": csv = value
            case "--truth": truth = value
            default: throw UsageError(message: "unknown option \(flag)")
            }
        }
    }

    static func parse<T>(_ flag: String, _ value: String, _ make: (String) -> T?) throws -> T {
        guard let parsed = make(value) else { throw UsageError(message: "\(flag): \"\(value)\" is not a number") }
        return parsed
    }
}

struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String {
        message + "\nusage: GenerateProspects [--count N] [--duplicates RATE] [--seed N] [--csv FILE] [--truth FILE]"
    }
}

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    let start = ContinuousClock.now
    let file = ProspectFileGenerator(count: arguments.count, duplicateRate: arguments.duplicateRate, seed: arguments.seed)
    try file.write(to: arguments.csv)
    var lines = ""
    for group in file.truth { lines += "[" + group.map(String.init).joined(separator: ",") + "]\n" }
    try Data(lines.utf8).write(to: URL(fileURLWithPath: arguments.truth))
    let rows = file.truth.reduce(0) { $0 + $1.count }
    print("\(arguments.count) rows, \(file.truth.count) people with 2+ rows (\(rows) rows), in \(ContinuousClock.now - start)")
} catch let error as UsageError {
    FileHandle.standardError.write(Data("GenerateProspects: \(error)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("GenerateProspects: \(error)\n".utf8))
    exit(1)
}
