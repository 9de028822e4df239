import ArgumentParser
import Foundation
import NightshiftApp
import NightshiftBuilder
import NightshiftCore

extension OvernightCommand {
    /// One step of the overnight cycle, by hand: the same pack step the cycle runs, in this process.
    struct Step: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run one step of the overnight cycle now, in this process (the cycle runs these; by hand for debugging).",
            discussion: """
                Steps: \(BuilderPack.overnightSteps.map { "\($0.name) (\($0.step))" }.joined(separator: ", ")). Each is proposed \
                to the policy gate as a run_step action and recorded as a run of its own; it prints what it did and a \
                NIGHTSHIFT_OUTPUT line the cycle report keeps. Exit 1 when the step fails, 2 for an unknown step.
                """
        )
        @OptionGroup var workspace: WorkspaceOptions
        @Argument(help: "The step's name.") var name: String

        func run() async throws {
            guard let step = BuilderPack.overnightSteps.first(where: { $0.name == name }) else {
                throw AppError.usage("no overnight step \"\(name)\"; the steps are \(BuilderPack.overnightSteps.map(\.name).joined(separator: ", "))")
            }
            let app = try await workspace.load()
            _ = try app.requireBuilder()
            try await PackStepRun.run(step.step, in: app)
        }
    }
}
