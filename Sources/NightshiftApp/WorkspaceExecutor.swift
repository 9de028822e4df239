import AsyncHTTPClient
public import Foundation
public import Logging
public import NightshiftCore
import NightshiftExec

/// Executes job actions for one workspace: commands through ``CommandExecutor``, webhooks through
/// ``WebhookExecutor``. It builds each child's environment from the allow-list, resolves `env:NAME`
/// secrets, and redacts every secret from what comes back: output, excerpts, errors and logs.
public struct WorkspaceExecutor: ActionExecutor {
    let workspace: Workspace
    let environment: [String: String]
    let settings: WorkspaceSettings
    /// Redacted from every result, log and excerpt: the workspace's secrets
    /// (``WorkspaceConfiguration/secrets(in:)``).
    public let secrets: SecretValues
    let commands: CommandExecutor
    let logger: Logger
    /// Runs commands with an execution key under `nightshift supervise`, so they outlive this
    /// process; nil when no `nightshift` executable is known (commands run as direct children).
    let supervised: SupervisedLauncher?

    /// - Parameter secrets: redacted from every result, log and excerpt.
    /// - Parameter supervisor: the `nightshift` executable whose `supervise` command runs each
    ///   command with an execution key (see ``SupervisedLauncher``); nil runs them directly.
    public init(
        workspace: Workspace, settings: WorkspaceSettings, environment: [String: String], secrets: SecretValues,
        supervisor: String? = nil, logger: Logger
    ) {
        self.workspace = workspace
        self.environment = environment
        self.settings = settings
        self.secrets = secrets
        var configuration = CommandExecutor.Configuration()
        configuration.logCap = settings.runLogLimit
        self.commands = CommandExecutor(configuration: configuration, logger: logger)
        self.logger = logger
        self.supervised = supervisor.map {
            SupervisedLauncher(supervisor: $0, directory: workspace.supervisedDirectory, configuration: configuration, logger: logger)
        }
    }

    /// Sends webhooks through the process's shared `HTTPClient`, which is made on first use: it
    /// starts an event loop thread per core, which a daemon that never sends a webhook should not
    /// keep (docs/PERFORMANCE.md, idle daemon).
    var webhooks: WebhookExecutor { WebhookExecutor(httpClient: HTTPClient.shared, logger: logger) }

    public func execute(_ action: JobAction, context: ActionContext) async -> ActionResult {
        switch action {
        case .command(let command):
            let spec = commandSpec(command, extra: context.runEnvironment, timeout: context.timeout, logPath: context.logPath)
            let result: CommandResult
            if let supervised, let key = context.executionKey {
                result = await supervised.run(spec, key: key, onSpawn: context.onSpawn)
            } else {
                result = await commands.run(spec, onSpawn: context.onSpawn)
            }
            return Self.actionResult(result)
        case .webhook(let webhook):
            let body = webhook.body.map { Data($0.utf8) } ?? defaultBody(context)
            guard let spec = webhookSpec(webhook, body: body, timeout: context.timeout ?? .seconds(30)) else {
                return ActionResult(succeeded: false, error: "the webhook's URL or a header refers to an unset environment variable")
            }
            let result = await webhooks.send(spec)
            try? AppendOnlyFile.append("\(webhook.method) \(webhook.url) → \(result.statusCode.map(String.init) ?? "no response")\n\(result.body)\n", to: context.logPath)
            return ActionResult(
                succeeded: result.succeeded,
                exitStatus: result.statusCode,
                error: result.succeeded ? nil : (result.error ?? "HTTP status \(result.statusCode ?? 0)"),
                output: result.body,
                excerpt: result.excerpt,
                cancelled: Task.isCancelled
            )
        case .cycle(let name):
            return ActionResult(succeeded: false, error: "cycle \(name) runs through the cycle engine, not as a single action")
        case .step(let name):
            return ActionResult(succeeded: false, error: "step \(name) runs in-process through its pack's step handler")
        }
    }

    public func recoverable(_ action: JobAction, context: ActionContext) async -> Bool {
        guard case .command = action, let supervised, let key = context.executionKey else { return false }
        return supervised.recoverable(key: key)
    }

    public func recover(_ action: JobAction, context: ActionContext) async -> ActionResult? {
        guard case .command = action, let supervised, let key = context.executionKey else { return nil }
        return await supervised.recover(key: key).map(Self.actionResult)
    }

    static func actionResult(_ result: CommandResult) -> ActionResult {
        ActionResult(
            succeeded: result.exitedSuccessfully,
            exitStatus: result.exitStatus.map(Int.init),
            error: result.exitedSuccessfully ? nil : result.summary,
            output: result.stdout,
            excerpt: result.excerpt,
            cancelled: result.cancelled
        )
    }

    func commandSpec(_ command: CommandAction, extra: [String: String], timeout: Duration?, logPath: String) -> CommandSpec {
        var env: [String: String] = [:]
        env["PATH"] = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        if let home = environment["HOME"] { env["HOME"] = home }
        for name in command.environment {
            if let value = environment[name] { env[name] = value }
        }
        env.merge(extra) { _, new in new }
        let cwd = command.workingDirectory.map(workspace.resolvePath) ?? workspace.root
        return CommandSpec(
            program: command.program.exec, workingDirectory: cwd, environment: env, timeout: timeout,
            logPath: logPath, redactions: redactions(passing: command.environment)
        )
    }

    /// The workspace's secrets and the values of `names` (a proposed payload may pass variables the
    /// configuration does not name), except public ones.
    private func redactions(passing names: [String]) -> [String] {
        secrets.union(settings.secrets(named: names, in: environment)).values
    }

    func webhookSpec(_ webhook: WebhookAction, body: Data, timeout: Duration) -> WebhookSpec? {
        guard let url = webhook.url.resolve(in: environment) else { return nil }
        var headers: [String: String] = ["Content-Type": "application/json"]
        var names: [String] = []
        for (name, value) in webhook.headers {
            guard let resolved = value.resolve(in: environment) else { return nil }
            headers[name] = resolved
            if case .environment(let variable) = value { names.append(variable) }
        }
        if case .environment(let variable) = webhook.url { names.append(variable) }
        return WebhookSpec(url: url, method: webhook.method, headers: headers, body: body, timeout: timeout, redactions: redactions(passing: names))
    }

    private func defaultBody(_ context: ActionContext) -> Data {
        (try? JSONSerialization.data(withJSONObject: context.defaultBody, options: [.sortedKeys])) ?? Data()
    }
}

extension WorkspaceExecutor: CustomStringConvertible, CustomReflectable {
    /// Names the workspace only: the executor holds the daemon's environment, which no log line or
    /// `dump` may show (a service printed by swift-service-lifecycle at debug level would).
    public var description: String { "WorkspaceExecutor(\(workspace.root))" }
    public var customMirror: Mirror { Mirror(self, children: ["workspace": workspace.root]) }
}

extension CommandAction.Program {
    var exec: CommandSpec.Program {
        switch self {
        case .argv(let argv): .argv(argv)
        case .shell(let line): .shell(line)
        }
    }
}
