import Foundation
import NightshiftApp
import NightshiftCore

/// Runs a pack step by hand (`overnight step`, `prospects step`): proposed to the gate as a
/// `run_step` action, recorded as a run of its own; prints what it did. Exit 1 when it fails or
/// the policy stops it.
enum PackStepRun {
    static func run(_ step: String, in app: NightshiftApplication) async throws {
        let ran = await cancellingOnSignals { () async -> Result<PolicyGate.Outcome, any Error> in
            do { return .success(try await app.runStep(step)) } catch { return .failure(error) }
        }
        let outcome = try ran.get()
        if !outcome.result.output.isEmpty { print(outcome.result.output, terminator: outcome.result.output.hasSuffix("\n") ? "" : "\n") }
        if let note = outcome.result.gate { throw AppError.failure(note.summary) }
        if !outcome.result.succeeded { throw AppError.failure(outcome.result.error ?? "step \(step) failed") }
    }
}
