public import Foundation
public import NightshiftCore

extension NightshiftApplication {
    /// Runs a pack's named step now, in this process: proposed to the policy gate as a `run_step`
    /// action by the operator and recorded as a run of its own, as `jobs run` would.
    ///
    /// - Throws: ``AppError/usage(_:)`` when no pack provides `name`.
    public func runStep(_ name: String) async throws -> PolicyGate.Outcome {
        let known = packSteps().map(\.name)
        guard known.contains(name) else { throw AppError.usage("no step \(name); the packs provide: \(known.sorted().joined(separator: ", "))") }
        let action = ProposedAction(
            type: StepHandler.type, payload: JobAction.step(name).payload, actor: Actor(.cli, "operator"), summary: "step \(name), run by hand"
        )
        return try await gate.proposeAsRun(action)
    }
}
