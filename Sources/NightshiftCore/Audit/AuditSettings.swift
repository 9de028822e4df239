import Foundation

/// The `[audit]` table: where the audit trail's anchors go (see ``AuditAnchor``). Every key is
/// optional; without the table anchors go to `audit-anchors.log` in the workspace, unsigned.
///
/// ```toml
/// [audit]
/// anchor_file = "audit-anchors.log"          # relative to the workspace, or absolute
/// anchor_key = "env:NIGHTSHIFT_ANCHOR_KEY"   # HMAC-SHA256 key; must be an env: reference
/// anchor_interval = "1m"                     # how often the daemon anchors a head that moved
///
/// [audit.publish]                            # also hand each anchor to a command (publish_anchor)
/// command = ["./bin/publish-anchor.sh"]
/// env = ["PUBLISH_TOKEN"]
/// ```
public struct AuditSettings: ConfigSection, Hashable {
    public static let key = "audit"

    /// The anchor log, relative to the workspace unless absolute.
    public var anchorFile = "audit-anchors.log"
    /// The key anchors are signed with: an `env:NAME` reference.
    public var anchorKey: SecretValue?
    /// How often the daemon writes an anchor when the head moved.
    public var anchorInterval: Duration = .seconds(60)
    /// A command that publishes each anchor elsewhere (proposed as `publish_anchor`).
    public var publish: CommandAction?

    public init() {}

    public init?(reading table: TableReader) {
        var failed = false
        if let (file, location) = table.string("anchor_file") {
            if file.trimmingCharacters(in: .whitespaces).isEmpty {
                table.error("\(table.name("anchor_file")) is empty: give a file name such as \"audit-anchors.log\"", at: location)
                failed = true
            }
            anchorFile = file
        }
        if let (reference, location) = table.string("anchor_key") {
            let name = reference.hasPrefix("env:") ? String(reference.dropFirst(4)) : ""
            if !ActionReader.isValidVariableName(name) {
                table.error(
                    "\(table.name("anchor_key")) must be an env:NAME reference (the key is a secret: set NAME in the daemon's environment), e.g. \"env:NIGHTSHIFT_ANCHOR_KEY\"",
                    at: location
                )
                failed = true
            }
            anchorKey = SecretValue(parsing: reference)
        }
        if let location = table.node("anchor_interval")?.location, let interval = table.duration("anchor_interval") {
            if interval < .seconds(1) {
                table.error("\(table.name("anchor_interval")) must be at least 1s", at: location)
                failed = true
            }
            anchorInterval = interval
        } else if table.has("anchor_interval") {
            failed = true
        }
        if let publish = table.subtable("publish") {
            if !publish.has("command") {
                publish.error("\(publish.path) needs command = [\"program\", …] (or a shell string)", at: publish.location)
                failed = true
            }
            self.publish = ActionReader.command(publish)
            if publish.has("command"), self.publish == nil { failed = true }
            publish.finish(known: ["command", "cwd", "env"])
        } else if table.has("publish") {
            failed = true
        }
        table.finish(known: ["anchor_file", "anchor_key", "anchor_interval", "publish"])
        if failed { return nil }
    }
}
