public import Foundation
public import NightshiftCore

/// `publish_anchor`: runs the `[audit.publish]` command with the anchor of the payload on
/// `NIGHTSHIFT_ANCHOR` (and its seq and hash on `NIGHTSHIFT_ANCHOR_SEQ`, `NIGHTSHIFT_ANCHOR_HASH`).
/// The command is the one configured now; the payload's `publisher` only records which it was.
public struct AnchorPublishHandler: ActionHandler {
    public var types: [String] { [NightshiftApplication.publishAnchorType] }
    /// Publishing the same anchor line twice says nothing new.
    public var idempotent: Bool { true }

    let command: CommandAction?
    let logPath: String

    public init(command: CommandAction?, logPath: String) {
        self.command = command
        self.logPath = logPath
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard let command else { return .failure("[audit.publish] is not configured: there is nothing to publish with") }
        guard let line = action.payload["anchor"]?.stringValue, let anchor = AuditAnchor(line: line) else {
            return .failure("\(action.id): the payload holds no anchor line")
        }
        guard let executor = context.executor else { return .failure("this process cannot run commands") }
        var publishing = context
        publishing.timeout = .seconds(60)
        publishing.logPath = logPath
        publishing.runEnvironment.merge(
            ["NIGHTSHIFT_ANCHOR": line, "NIGHTSHIFT_ANCHOR_SEQ": String(anchor.seq), "NIGHTSHIFT_ANCHOR_HASH": anchor.hash]
        ) { _, new in new }
        return await executor.execute(.command(command), context: publishing)
    }
}
