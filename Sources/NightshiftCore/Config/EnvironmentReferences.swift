/// Every variable `nightshift.toml` reads from the daemon's environment: each `"env:NAME"` value and
/// each name in an `env = [...]` list, wherever they are (jobs, cycle steps, notifiers, webhooks,
/// headers, pack tables). Their values are secrets unless `[workspace] public_env` names them.
struct EnvironmentReferences {
    struct Reference {
        var name: String
        var location: SourcePosition
        /// In an `env = [...]` list (passed through if set) rather than an `env:NAME` value (needed).
        var listed: Bool
    }

    /// In file order.
    private(set) var references: [Reference] = []

    /// Collects the references under `table`.
    init(_ table: TOMLTable) {
        table.entries.forEach { visit($0.key, $0.node) }
        references.sort { $0.location < $1.location }
    }

    /// The names listed in `public_env` of the `[workspace]` table, with their places.
    static func publicNames(in workspace: TOMLTable) -> [(name: String, location: SourcePosition)] {
        (workspace["public_env"]?.array ?? []).compactMap { item in item.string.map { ($0, item.location) } }
    }

    /// The variables referenced.
    var names: Set<String> { Set(references.map(\.name)) }

    private mutating func visit(_ key: String, _ node: TOMLNode) {
        switch node.value {
        case .string(let text) where text.hasPrefix("env:"):
            references.append(Reference(name: String(text.dropFirst(4)), location: node.location, listed: false))
        case .array(let items):
            for item in items {
                if key == "env", let name = item.string {
                    references.append(Reference(name: name, location: item.location, listed: true))
                } else {
                    visit(key, item)
                }
            }
        case .table(let table):
            table.entries.forEach { visit($0.key, $0.node) }
        default:
            break
        }
    }

    /// Warns about what would leak or never work: an `env:` variable unset here, a secret too short
    /// to redact, a `public_env` name that nothing reads.
    func check(publicNames: [(name: String, location: SourcePosition)], environment: [String: String], sink: DiagnosticSink) {
        let isPublic = Set(publicNames.map(\.name))
        var warned: Set<String> = []
        for reference in references {
            let name = reference.name
            guard let value = environment[name] else {
                if !reference.listed, !environment.isEmpty {
                    sink.add("environment variable \(name) is not set here; the daemon must have it", at: reference.location, severity: .warning)
                }
                continue
            }
            guard !isPublic.contains(name), !value.isEmpty, value.count < SecretValues.minimumLength, warned.insert(name).inserted else { continue }
            sink.add(
                "the value of \(name) is \(value.count) character\(value.count == 1 ? "" : "s"), too short to redact from output "
                    + "(at least \(SecretValues.minimumLength)): if it is no secret, list it in [workspace] public_env; if it is, make it longer",
                at: reference.location, severity: .warning
            )
        }
        let names = self.names
        for (name, location) in publicNames where !names.contains(name) {
            sink.add("public_env names \(name), which nothing in this file reads from the environment", at: location, severity: .warning)
        }
    }
}
