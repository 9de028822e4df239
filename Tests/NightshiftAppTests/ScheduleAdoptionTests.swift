import Foundation
@testable import NightshiftApp
import NightshiftCore
import Testing

@Suite("adopt_schedule: the edit, and the file put back when it would not load")
struct ScheduleAdoptionTests {
    let config = """
        [workspace]
        time_zone = "UTC"

        [jobs.report]
        every = "6h"
        command = ["true"]

        [jobs.other]
        schedule = "0 3 * * *"
        time_zone = "Europe/Berlin"
        command = ["true"]

        """

    @Test("every/at/schedule becomes schedule, time_zone is set or replaced, other tables stay; a job not written as a table is refused")
    func edit() throws {
        let edited = try ScheduleAdoptionHandler.edit(config, job: "report", cron: "0 8 * * 1-5", timeZone: "UTC")
        #expect(edited.contains("[jobs.report]\nschedule = \"0 8 * * 1-5\"\ntime_zone = \"UTC\"\ncommand = [\"true\"]"), "\(edited)")
        #expect(edited.contains("[jobs.other]\nschedule = \"0 3 * * *\"\ntime_zone = \"Europe/Berlin\""))
        let other = try ScheduleAdoptionHandler.edit(config, job: "other", cron: "0 9 * * *", timeZone: "UTC")
        #expect(other.contains("[jobs.other]\nschedule = \"0 9 * * *\"\ntime_zone = \"UTC\"\ncommand"), "\(other)")
        #expect(throws: ScheduleAdoptionHandler.EditError.self) { try ScheduleAdoptionHandler.edit(config, job: "missing", cron: "0 9 * * *", timeZone: "UTC") }
    }

    @Test("an edit whose file would not load is put back byte for byte, and says so")
    func rollback() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("adopt-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/nightshift.toml"
        try Data(config.utf8).write(to: URL(fileURLWithPath: path))
        let handler = ScheduleAdoptionHandler(path: path, sections: NightshiftApplication.packSections, environment: [:])
        let action = ActionRecord(
            action: ProposedAction(
                type: ScheduleAdoptionHandler.type, attributes: [:],
                payload: .object([
                    "job": .string("report"), "cron": .string("61 * * * *"), "time_zone": .string("UTC"),
                    "file_sha256": .string(SHA256Hex.of(Data(config.utf8))),
                ]),
                actor: Actor(.cli, "operator")
            ),
            decision: Decision(verdict: .allow, tier: .autonomous, decidedBy: [], reason: "test"), status: .allowed, runID: nil, createdAt: Date()
        )
        let result = await handler.execute(action, context: ActionContext(runID: "r_test", timeout: nil, logPath: "\(folder)/log", runEnvironment: [:]))
        #expect(!result.succeeded && result.error?.contains("would not load, so it was put back as it was") == true, "\(result)")
        #expect(FileManager.default.contents(atPath: path) == Data(config.utf8))
    }
}
