public import Foundation
public import NightshiftCore

/// The policy's use cases besides deciding: what it holds, and running expected-decision cases.
public struct PolicyReview: Sendable {
    let app: NightshiftApplication

    public init(_ app: NightshiftApplication) { self.app = app }

    /// Where the policy comes from: its own file, `[policy]`, or the built-in defaults.
    public var source: String {
        app.configuration.policyFile ?? (app.configuration.policy.source == nil ? "none (built-in defaults)" : "[policy] in nightshift.toml")
    }

    /// The policy as `policy check --json` prints it.
    public var json: JSONValue {
        let policy = app.configuration.policy
        return .object([
            "source": .string(source),
            "catalog": .object(policy.catalog.mapValues { .string($0.rawValue) }),
            "categories": .object(policy.categories.mapValues { .string($0.rawValue) }),
            "stage_gates": .array(policy.stageGates.sorted().map(JSONValue.string)),
            "rules": .array(policy.rules.map { .object(["id": .string($0.id), "effect": .string($0.effect.rawValue), "reason": .string($0.reason)]) }),
            "budgets": .array(policy.budgets.map { .string($0.id) }),
            "max_denials": .integer(Int64(policy.maxDenials)),
            "approval_expiry_seconds": .number(policy.approvalExpiry.inSeconds),
        ])
    }

    /// One case of a cases file, run.
    public struct CaseResult: Sendable {
        public var name: String
        public var line: Int
        public var expected: Verdict
        public var decision: Decision
        /// Why the case failed; nil when it passed.
        public var failure: String?

        public var json: JSONValue {
            .object([
                "name": .string(name), "passed": .bool(failure == nil), "expected": .string(expected.rawValue),
                "got": .string(decision.verdict.rawValue), "decided_by": .array(decision.decidedBy.map(JSONValue.string)),
                "problem": .string(orNull: failure), "line": .integer(Int64(line)),
            ])
        }
    }

    /// Every case of a cases file, run against the policy at `now`.
    public struct TestReport: Sendable {
        public var results: [CaseResult]
        public var failed: Int { results.filter { $0.failure != nil }.count }
        public var passed: Int { results.count - failed }

        /// The report as `policy test --json` prints it.
        public var json: JSONValue {
            .object(["passed": .integer(Int64(passed)), "failed": .integer(Int64(failed)), "cases": .array(results.map(\.json))])
        }
    }

    /// Runs the `[[cases]]` of the file at `path` (`file` is how it is named in errors) at `now`.
    ///
    /// - Throws: ``AppError/usage(_:)`` when the file cannot be read or holds errors (`FILE:LINE:COL`).
    public func test(path: String, file: String, at now: Date) throws -> TestReport {
        guard FileManager.default.isReadableFile(atPath: path) else { throw AppError.usage("cannot read the cases file \(file)") }
        let text: String
        do { text = try ConfigLoader.readText(path: path, file: file) } catch { throw AppError.usage(error.description) }
        let (parsed, diagnostics) = ConfigLoader.parsePolicyCases(text, file: file)
        guard let parsed else {
            throw AppError.usage(diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"))
        }
        let engine = PolicyEngine(policy: app.configuration.policy)
        let zone = app.configuration.settings.timeZone
        return TestReport(results: parsed.map { item in
            let (decision, failure) = item.check(engine, now: now, timeZone: zone)
            return CaseResult(name: item.name, line: item.location.line, expected: item.expect, decision: decision, failure: failure)
        })
    }
}
