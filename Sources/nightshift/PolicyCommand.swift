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
            let review = PolicyReview(app)
            let source = review.source
            if output.json { return Output.printJSON(review.json) }
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
            let decision = try await app.gate.explain(action, at: at)
            let zone = app.configuration.settings.timeZone
            if output.json { return Output.printJSON(ActionView.decision(decision, at: at ?? app.clock.now(), zone: zone)) }
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
            let report = try PolicyReview(app).test(path: path, file: cases, at: app.clock.now())
            if output.json {
                Output.printJSON(report.json)
            } else {
                for result in report.results {
                    if let failure = result.failure { print("FAIL \(cases):\(result.line): \(result.name): \(failure)") }
                }
                print("\(report.passed) passed, \(report.failed) failed (\(report.results.count) cases)")
            }
            if report.failed > 0 { throw ExitCode(1) }
        }
    }
}
