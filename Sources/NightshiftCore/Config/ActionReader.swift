import Foundation

/// Reads the action keys shared by jobs and notifiers: `command`, `cwd`, `env`, `webhook`, `headers`.
enum ActionReader {
    /// Header names whose values are credentials and so must be `env:NAME` references.
    static let secretHeaderWords = ["authorization", "token", "secret", "key", "password", "cookie"]

    static func command(_ table: TableReader) -> CommandAction? {
        guard let node = table.node("command") else { return nil }
        var program: CommandAction.Program?
        if let line = node.string {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                table.error("\(table.name("command")) is empty", at: node.location)
            } else {
                program = .shell(line)
            }
        } else if let items = node.array {
            let strings = items.compactMap(\.string)
            if strings.count != items.count {
                table.error("\(table.name("command")) must be an array of strings (program and arguments)", at: node.location)
            } else if strings.isEmpty || strings[0].isEmpty {
                table.error("\(table.name("command")) is empty: give the program to run first", at: node.location)
            } else {
                program = .argv(strings)
            }
        } else {
            table.error("\(table.name("command")) must be an array like [\"./backup.sh\", \"--full\"] or a shell string, found \(TableReader.article(node.typeName))", at: node.location)
        }
        let cwd = table.string("cwd")?.0
        var environment: [String] = []
        if let (names, location) = table.stringArray("env") {
            for name in names where !isValidVariableName(name) {
                table.error("\(table.name("env")): \"\(name)\" is not an environment variable name (the env list names variables to pass through; values come from the daemon's environment)", at: location)
            }
            environment = names
        }
        guard let program else { return nil }
        return CommandAction(program: program, workingDirectory: cwd, environment: environment)
    }

    static func webhook(_ table: TableReader) -> WebhookAction? {
        guard let node = table.node("webhook") else { return nil }
        if let url = node.string {
            checkURL(url, at: node.location, table: table)
            return WebhookAction(url: SecretValue(parsing: url))
        }
        guard let inner = table.subtable("webhook") else { return nil }
        var action: WebhookAction?
        if let (url, location) = inner.string("url") {
            checkURL(url, at: location, table: inner)
            action = WebhookAction(url: SecretValue(parsing: url))
        } else {
            inner.error("\(inner.path) needs url = \"https://…\"", at: inner.location)
        }
        if let (method, location) = inner.string("method") {
            if ["POST", "PUT", "PATCH", "GET", "DELETE"].contains(method.uppercased()) {
                action?.method = method.uppercased()
            } else {
                inner.error("\(inner.name("method")) must be POST, PUT, PATCH, GET or DELETE, found \"\(method)\"", at: location)
            }
        }
        action?.headers = headers(inner)
        if let (body, location) = inner.string("body") {
            do {
                _ = try StrictJSON.parse(body)
            } catch {
                inner.error("\(inner.name("body")) must be JSON text: \(error)", at: location)
            }
            action?.body = body
        }
        inner.finish(known: ["url", "method", "headers", "body"])
        return action
    }

    static func headers(_ table: TableReader) -> [String: SecretValue] {
        guard let headers = table.subtable("headers") else { return [:] }
        var result: [String: SecretValue] = [:]
        for entry in headers.table.entries {
            guard let (value, location) = headers.string(entry.key) else { continue }
            let lowered = entry.key.lowercased()
            if !value.hasPrefix("env:"), secretHeaderWords.contains(where: lowered.contains) {
                headers.error("\(headers.name(entry.key)) looks like a secret: write it as \"env:NAME\" and set NAME in the daemon's environment", at: location)
            }
            result[entry.key] = SecretValue(parsing: value)
        }
        return result
    }

    static func checkURL(_ url: String, at location: SourcePosition, table: TableReader) {
        if url.hasPrefix("env:") {
            if !isValidVariableName(String(url.dropFirst(4))) {
                table.error("\"\(url)\" is not a valid env:NAME reference", at: location)
            }
            return
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed.host != nil else {
            table.error("\"\(url)\" is not an http or https URL", at: location)
            return
        }
        if parsed.user != nil || parsed.password != nil || (parsed.query ?? "").lowercased().contains("token=") {
            table.error("the URL carries credentials: put the whole URL in an environment variable and write \"env:NAME\"", at: location)
        } else if let service = chatWebhookService(parsed) {
            table.error(
                "this is a \(service) webhook URL, and the URL is the secret (anyone who has it can post): put the whole URL in an environment variable and write \"env:NAME\"",
                at: location)
        }
    }

    /// Slack's and Discord's incoming-webhook URLs carry their token in the path, so written out in
    /// the file they are a secret in plain text; returns the service's name for such a URL.
    static func chatWebhookService(_ url: URL) -> String? {
        let host = url.host?.lowercased() ?? ""
        let path = url.path.lowercased()
        if host == "hooks.slack.com", ["/services/", "/workflows/", "/triggers/"].contains(where: path.hasPrefix) { return "Slack" }
        let discordHosts = ["discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com", "ptb.discordapp.com", "canary.discordapp.com"]
        if discordHosts.contains(host), path.hasPrefix("/api/"), path.contains("/webhooks/") { return "Discord" }
        return nil
    }

    static func isValidVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || CharacterSet.letters.contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) }
    }
}
