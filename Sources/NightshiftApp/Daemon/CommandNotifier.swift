import Foundation
import NightshiftCore
import NightshiftExec

/// Sends alerts by running a command with the alert as JSON on `NIGHTSHIFT_ALERT` and as text on
/// `NIGHTSHIFT_ALERT_TEXT`.
struct CommandNotifier: Notifier {
    let name: String
    let command: CommandAction
    let executor: WorkspaceExecutor
    let logDirectory: String

    func deliver(_ message: AlertMessage) async -> String? {
        let json = String(decoding: message.json, as: UTF8.self)
        let spec = executor.commandSpec(
            command,
            extra: ["NIGHTSHIFT_ALERT": json, "NIGHTSHIFT_ALERT_TEXT": message.text, "NIGHTSHIFT_JOB": message.job],
            timeout: .seconds(60),
            logPath: "\(logDirectory)/notifier-\(name).log"
        )
        let result = await executor.commands.run(spec)
        return result.exitedSuccessfully ? nil : result.summary
    }
}

/// Sends alerts as a JSON POST.
struct WebhookNotifier: Notifier {
    let name: String
    let webhook: WebhookAction
    let executor: WorkspaceExecutor

    func deliver(_ message: AlertMessage) async -> String? {
        await send(message.json)
    }

    /// POSTs `body` (an alert, or the brief's chat body); nil on success, else why not.
    func send(_ body: Data) async -> String? {
        guard let spec = executor.webhookSpec(webhook, body: body, timeout: .seconds(15)) else {
            return "an env: reference of the notifier is unset"
        }
        let result = await executor.webhooks.send(spec)
        return result.succeeded ? nil : (result.error ?? "HTTP status \(result.statusCode ?? 0)")
    }
}

extension AlertMessage {
    /// The alert as notifiers send it: snake_case keys, ISO 8601 instants.
    var json: Data {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return (try? encoder.encode(self)) ?? Data("{}".utf8)
    }
}
