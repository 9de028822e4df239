import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftCore

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check, explain and test the workspace's policy before it decides anything.",
        discussion: """
            The policy is [policy] in nightshift.toml or the file named by policy = "FILE": a catalog of \
            action types with tiers (autonomous, approval, hard_stop), categories, stage gates, rules and \
            budgets. See docs/POLICY.md.

            Examples:
              nightshift policy check
              nightshift policy explain send_follow_up_email --stage negotiation --attr recipient=ana@acme.example
              nightshift policy test policy-cases.toml
            """,
        subcommands: [Check.self, Explain.self, Test.self]
    )

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate the policy (FILE:LINE:COL errors, exit 2) and summarize it.")
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let app = try await workspace.load()
            let policy = app.configuration.policy
            let tiers = Dictionary(grouping: policy.catalog.values, by: { $0 }).mapValues(\.count)
            let source = app.configuration.policyFile ?? (policy.source == nil ? "none (built-in defaults)" : "[policy] in nightshift.toml")
            if output.json {
                return Output.printJSON(.object([
                    "source": .string(source),
                    "catalog": .object(policy.catalog.mapValues { .string($0.rawValue) }),
                    "categories": .object(policy.categories.mapValues { .string($0.rawValue) }),
                    "stage_gates": .array(policy.stageGates.sorted().map(JSONValue.string)),
                    "rules": .array(policy.rules.map { .object(["id": .string($0.id), "effect": .string($0.effect.rawValue), "reason": .string($0.reason)]) }),
                    "budgets": .array(policy.budgets.map { .string($0.id) }),
                    "max_denials": .integer(Int64(policy.maxDenials)),
                    "approval_expiry_seconds": .number(policy.approvalExpiry.inSeconds),
                ]))
            }
            print("policy ok: \(source)")
            print("  catalog      \(policy.catalog.count) action types: \(tiers[.autonomous] ?? 0) autonomous, \(tiers[.approval] ?? 0) approval, \(tiers[.hardStop] ?? 0) hard_stop")
            if !policy.categories.isEmpty { print("  categories   \(policy.categories.count)") }
            if !policy.stageGates.isEmpty { print("  stage gates  \(policy.stageGates.sorted().joined(separator: ", "))") }
            print("  rules        \(policy.rules.count)\(policy.rules.isEmpty ? "" : ": " + policy.rules.map(\.id).joined(separator: ", "))")
            print("  budgets      \(policy.budgets.count)\(policy.budgets.isEmpty ? "" : ": " + policy.budgets.map(\.id).joined(separator: ", "))")
            print("  approvals    expire after \(DurationParser.format(seconds: Int64(policy.approvalExpiry.inSeconds))); a run stops after more than \(policy.maxDenials) denials")
        }
    }

    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the decision for an action and why, without executing or recording anything.",
            discussion: """
                Counts and budgets are today's, from the store; the time is now in the workspace zone. With \
                --at, both are those of that moment: nightshift policy explain deploy --at 2026-03-07T03:00:00Z \
                asks what a Saturday night would decide.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var arguments: ActionArguments
        @OptionGroup var moment: MomentOption
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let at = try moment.moment()
            let action = try arguments.action()
            let app = try await workspace.load()
            let decision = try await app.makeGate().explain(action, at: at)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(ActionView.decision(decision, at: at ?? Date(), zone: zone)) }
            print("\(decision.verdict): \(decision.reason)")
            print("  decided by  \(decision.decidedBy.joined(separator: ", "))")
            if let at { print("  at          \(MomentOption.describe(at, in: zone))") }
            for line in decision.explanation { print("  - \(line)") }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run expected-decision cases against the policy; exit 1 if any fails.",
            discussion: """
                A cases file holds [[cases]] with name, type, attributes, payload, actor, tenant, context \
                (e.g. { hour = 5, weekday = "sat" }), usage (budget use so far), expect (allow, approve, \
                forbid) and optionally expect_rule (one of the deciders). Each failure names the case and \
                the rule that decided instead.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The cases file (relative to here, else to the workspace).")
        var cases: String

        func run() async throws {
            let app = try await workspace.load()
            let path = FileManager.default.fileExists(atPath: cases) ? cases : app.workspace.resolvePath(cases)
            guard FileManager.default.isReadableFile(atPath: path) else { throw AppError.usage("cannot read the cases file \(cases)") }
            let text: String
            do { text = try ConfigLoader.readText(path: path, file: cases) } catch { throw AppError.usage(error.description) }
            let (parsed, diagnostics) = ConfigLoader.parsePolicyCases(text, file: cases)
            guard let parsed else {
                throw AppError.usage(diagnostics.filter { $0.severity == .error }.map(\.description).joined(separator: "\n"))
            }
            let engine = PolicyEngine(policy: app.configuration.policy)
            let zone = app.configuration.settings.timeZone
            var failures = 0
            var results: [JSONValue] = []
            for item in parsed {
                let (decision, failure) = item.check(engine, now: Date(), timeZone: zone)
                if failure != nil { failures += 1 }
                results.append(.object([
                    "name": .string(item.name), "passed": .bool(failure == nil), "expected": .string(item.expect.rawValue),
                    "got": .string(decision.verdict.rawValue), "decided_by": .array(decision.decidedBy.map(JSONValue.string)),
                    "problem": failure.map(JSONValue.string) ?? .null, "line": .integer(Int64(item.location.line)),
                ]))
                if !output.json, let failure { print("FAIL \(cases):\(item.location.line): \(item.name): \(failure)") }
            }
            if output.json {
                Output.printJSON(.object(["passed": .integer(Int64(parsed.count - failures)), "failed": .integer(Int64(failures)), "cases": .array(results)]))
            } else {
                print("\(parsed.count - failures) passed, \(failures) failed (\(parsed.count) cases)")
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }
}
