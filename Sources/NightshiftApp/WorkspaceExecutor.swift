import AsyncHTTPClient
public import Foundation
public import Logging
public import NightshiftCore
import NightshiftExec

/// Executes job actions for one workspace: commands through ``CommandExecutor``, webhooks through
/// ``WebhookExecutor``. It builds each child's environment from the allow-list and resolves
/// `env:NAME` secrets, which it also hands over for redaction.
public struct WorkspaceExecutor: ActionExecutor {
    let workspace: Workspace
    let environment: [String: String]
    let commands: CommandExecutor
    let webhooks: WebhookExecutor
    /// Runs commands with an execution key under `nightshift supervise`, so they outlive this
    /// process; nil when no `nightshift` executable is known (commands run as direct children).
    let supervised: SupervisedLauncher?

    /// - Parameter supervisor: the `nightshift` executable whose `supervise` command runs each
    ///   command with an execution key (see ``SupervisedLauncher``); nil runs them directly.
    public init(workspace: Workspace, settings: WorkspaceSettings, environment: [String: String], supervisor: String? = nil, logger: Logger) {
        self.workspace = workspace
        self.environment = environment
        var configuration = CommandExecutor.Configuration()
        configuration.logCap = settings.runLogLimit
        self.commands = CommandExecutor(configuration: configuration, logger: logger)
        self.webhooks = WebhookExecutor(httpClient: HTTPClient.shared, logger: logger)
        self.supervised = supervisor.map {
            SupervisedLauncher(supervisor: $0, directory: workspace.supervisedDirectory, configuration: configuration, logger: logger)
        }
    }

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
        let passed = command.environment.compactMap { environment[$0] }
        return CommandSpec(
            program: command.program.exec, workingDirectory: cwd, environment: env, timeout: timeout,
            logPath: logPath, redactions: redactions(excluding: passed)
        )
    }

    /// Values of the daemon's environment that look like credentials: redacted from payloads and
    /// the audit trail.
    public var secretValues: [String] { redactions(excluding: []) }

    /// Values of the daemon's environment that look like credentials, minus those the job may see
    /// anyway (a child that prints its own allow-listed variable shows it in its own log).
    private func redactions(excluding allowed: [String]) -> [String] {
        let words = ["TOKEN", "SECRET", "KEY", "PASSWORD", "PASS", "CREDENTIAL", "AUTH", "PRIVATE"]
        return environment
            .filter { name, value in value.count >= 6 && words.contains { name.uppercased().contains($0) } }
            .map(\.value)
            .filter { !allowed.contains($0) }
    }

    func webhookSpec(_ webhook: WebhookAction, body: Data, timeout: Duration) -> WebhookSpec? {
        guard let url = webhook.url.resolve(in: environment) else { return nil }
        var headers: [String: String] = ["Content-Type": "application/json"]
        var secrets: [String] = []
        for (name, value) in webhook.headers {
            guard let resolved = value.resolve(in: environment) else { return nil }
            headers[name] = resolved
            if case .environment = value { secrets.append(resolved) }
        }
        if case .environment = webhook.url { secrets.append(url) }
        return WebhookSpec(url: url, method: webhook.method, headers: headers, body: body, timeout: timeout, redactions: secrets + redactions(excluding: []))
    }

    private func defaultBody(_ context: ActionContext) -> Data {
        (try? JSONSerialization.data(withJSONObject: context.defaultBody, options: [.sortedKeys])) ?? Data()
    }
}

extension CommandAction.Program {
    var exec: CommandSpec.Program {
        switch self {
        case .argv(let argv): .argv(argv)
        case .shell(let line): .shell(line)
        }
    }
}
