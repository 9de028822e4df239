public import Foundation

/// Reads `nightshift.toml` into a ``WorkspaceConfiguration``, reporting every problem with its
/// line and column rather than stopping at the first.
public enum ConfigLoader {
    /// Loads and validates the file at `path`. Throws ``ConfigError`` listing every problem.
    ///
    /// - Parameter environment: used to warn about `env:NAME` references to unset variables.
    /// - Parameter sections: the pack tables to read (``ConfigSection``); any other unknown table is an error.
    public static func load(
        path: String, displayName: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        sections: [any ConfigSection.Type] = []
    ) throws(ConfigError) -> WorkspaceConfiguration {
        let file = displayName ?? (path as NSString).lastPathComponent
        let text = try readText(path: path, file: file)
        let directory = (path as NSString).deletingLastPathComponent
        let (configuration, diagnostics) = parse(
            text, file: file, environment: environment, directory: directory.isEmpty ? "." : directory, sections: sections
        )
        guard let configuration else { throw ConfigError(diagnostics: diagnostics) }
        return configuration
    }

    /// Parses configuration text. Returns the configuration when there is no error, and every
    /// diagnostic (errors and warnings) in file order.
    /// With `directory`, a `policy = "FILE"` is read from there (its diagnostics name that file);
    /// without, the file is only recorded in ``WorkspaceConfiguration/policyFile``.
    /// With `readCalendars` too (`config check`), each `[context] calendars` file is read and
    /// parsed, and a missing or broken one is an error; loading a workspace does not, since a
    /// calendar is data that changes while the daemon runs (it reports a broken one itself).
    public static func parse(
        _ text: String, file: String, environment: [String: String] = [:], directory: String? = nil,
        sections: [any ConfigSection.Type] = [], readCalendars: Bool = false
    ) -> (WorkspaceConfiguration?, [ConfigDiagnostic]) {
        let sink = DiagnosticSink(file: file)
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(text)
        } catch {
            sink.add(error.message, at: error.location)
            return (nil, sink.diagnostics)
        }
        let reader = TableReader(root, path: "", sink: sink)
        var configuration = WorkspaceConfiguration()
        if let workspace = reader.subtable("workspace") {
            configuration.settings = readSettings(workspace)
        }
        if let notifiers = reader.subtable("notifiers") {
            for entry in notifiers.table.entries {
                guard let table = notifiers.subtable(entry.key) else { continue }
                if let notifier = readNotifier(entry.key, table, keyLocation: entry.keyLocation) {
                    configuration.notifiers.append(notifier)
                }
            }
            notifiers.finish(known: [])
        }
        if let jobs = reader.subtable("jobs") {
            for entry in jobs.table.entries {
                guard let table = jobs.subtable(entry.key) else { continue }
                if let job = JobReader(table, name: entry.key, keyLocation: entry.keyLocation, defaults: configuration.settings).read() {
                    configuration.jobs.append(job)
                }
            }
            jobs.finish(known: [])
        }
        if let cycles = reader.subtable("cycles") {
            for entry in cycles.table.entries {
                guard let table = cycles.subtable(entry.key) else { continue }
                guard let cycle = CycleReader(table: table, name: entry.key, keyLocation: entry.keyLocation, defaults: configuration.settings).read() else { continue }
                if configuration.jobs.contains(where: { $0.name == cycle.name }) {
                    cycles.error("cycle \"\(cycle.name)\" has the name of a job: a cycle is also a job, so names must differ", at: entry.keyLocation)
                    continue
                }
                configuration.cycles.append(cycle)
                configuration.jobs.append(cycle.job)
            }
            cycles.finish(known: [])
        }
        configuration.health = HealthReader.read(health: reader.subtable("health"), watchdog: reader.subtable("watchdog"))
        if let context = reader.subtable("context") {
            configuration.context = ContextReader(
                table: context, calendarFolder: readCalendars ? directory : nil, timeZone: configuration.settings.timeZone
            ).read()
        }
        var policyDiagnostics: [ConfigDiagnostic] = []
        if let node = reader.node("policy") {
            if let table = node.table {
                if let policy = PolicyReader(table: TableReader(table, path: "policy", sink: sink)).read() { configuration.policy = policy }
            } else if let name = node.string, !name.isEmpty {
                configuration.policyFile = name
                if let directory {
                    let path = name.hasPrefix("/") ? name : "\(directory)/\(name)"
                    do {
                        configuration.policy = try loadPolicy(path: path, file: name)
                    } catch {
                        policyDiagnostics = error.diagnostics
                    }
                }
            } else {
                sink.add("policy must be a table ([policy]) or the name of a policy file (policy = \"policy.toml\")", at: node.location)
            }
        }
        for section in sections {
            guard let table = reader.subtable(section.key) else { continue }
            if let value = section.init(reading: table) { configuration.sections[section.key] = value }
        }
        reader.finish(known: ["workspace", "jobs", "notifiers", "cycles", "policy", "context", "health", "watchdog"] + sections.map { $0.key })
        let references = EnvironmentReferences(root)
        configuration.environmentNames = references.names
        let publicNames = (root["workspace"]?.table).map(EnvironmentReferences.publicNames) ?? []
        references.check(
            publicNames: publicNames.filter { configuration.settings.publicEnvironment.contains($0.name) }, environment: environment, sink: sink
        )
        let sorted = sink.diagnostics.sorted { $0.location < $1.location } + policyDiagnostics
        if policyDiagnostics.contains(where: { $0.severity == .error }) { return (nil, sorted) }
        configuration.warnings = sorted.filter { $0.severity == .warning }
        return (sink.hasErrors ? nil : configuration, sorted)
    }

    /// The text of a configuration or policy file, which must be UTF-8: the first byte that is
    /// not is an error at its line and column; `file` names the file in errors.
    public static func readText(path: String, file: String) throws(ConfigError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(file, reason: (error as NSError).localizedDescription)
        }
        switch UTF8Text.decode(data) {
        case .success(let text):
            return text
        case .failure(let invalid):
            throw ConfigError(diagnostics: [ConfigDiagnostic(file: file, location: invalid.position, message: invalid.message)])
        }
    }

    private static func readSettings(_ table: TableReader) -> WorkspaceSettings {
        var settings = WorkspaceSettings()
        settings.name = table.string("name")?.0
        if let (zone, location) = table.string("time_zone") {
            do { settings.timeZone = try TimeZones.named(zone) } catch { table.error("workspace.time_zone: \(error.message)", at: location) }
        }
        if let count = table.int("max_concurrent", in: 1...1024) { settings.maxConcurrent = count }
        if let grace = table.duration("shutdown_grace") { settings.shutdownGrace = grace }
        if let late = table.duration("late_after") { settings.lateAfter = late }
        if let bytes = table.int("run_log_limit", in: 1024...1_073_741_824) { settings.runLogLimit = bytes }
        if table.stringArray("public_env") != nil {
            for (name, location) in EnvironmentReferences.publicNames(in: table.table) {
                if ActionReader.isValidVariableName(name) {
                    settings.publicEnvironment.insert(name)
                } else {
                    table.error("\(table.name("public_env")): \"\(name)\" is not an environment variable name", at: location)
                }
            }
        }
        table.finish(known: ["name", "time_zone", "max_concurrent", "shutdown_grace", "late_after", "run_log_limit", "public_env"])
        return settings
    }

    private static func readNotifier(_ name: String, _ table: TableReader, keyLocation: SourcePosition) -> NotifierDeclaration? {
        let hasWebhook = table.has("webhook"), hasCommand = table.has("command")
        var result: NotifierDeclaration?
        if hasWebhook == hasCommand {
            table.error("notifier \"\(name)\" needs exactly one of webhook = \"URL\" or command = [...]", at: keyLocation)
            _ = table.node("webhook"); _ = table.node("command")
        } else if hasWebhook, let (url, location) = table.string("webhook") {
            let headers = ActionReader.headers(table)
            ActionReader.checkURL(url, at: location, table: table)
            result = NotifierDeclaration(name: name, kind: .webhook(WebhookAction(url: SecretValue(parsing: url), headers: headers)))
        } else if hasCommand, let command = ActionReader.command(table) {
            result = NotifierDeclaration(name: name, kind: .command(command))
        }
        table.finish(known: ["webhook", "headers", "command", "cwd", "env"])
        return result
    }
}
