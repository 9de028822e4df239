import Foundation

/// Reads one `[cycles.NAME]` table with its `[[cycles.NAME.steps]]`.
struct CycleReader {
    let table: TableReader
    let name: String
    let keyLocation: SourcePosition
    let defaults: WorkspaceSettings

    static let keys = ["budget", "deadline", "tenants", "shape", "lease_ttl", "steps"]
    static let stepKeys = ["name", "run", "budget", "hard_timeout", "condensed", "on_failure", "retry", "action_type", "attributes"]

    func read() -> Cycle? {
        let budget = table.duration("budget")
        var deadline: TimeOfDay?
        if let (text, location) = table.string("deadline") {
            deadline = TimeOfDay(parsing: text)
            if deadline == nil { table.error("\(table.name("deadline")) must be a local time \"HH:MM\" like \"07:00\", found \"\(text)\"", at: location) }
        }
        let tenants = readTenants()
        let shape = table.choice("shape", CycleShape.self)
        var leaseTTL = Duration.seconds(15)
        if let ttl = table.duration("lease_ttl") {
            if ttl < .seconds(1) { table.error("\(table.name("lease_ttl")) must be at least 1s", at: table.node("lease_ttl")!.location) } else { leaseTTL = ttl }
        }
        let steps = readSteps(shape: shape)
        let job = JobReader(table, name: name, keyLocation: keyLocation, defaults: defaults, cycle: (.cycle(name), Self.keys)).read()
        guard let job, let steps else { return nil }
        return Cycle(name: name, job: job, budget: budget, deadline: deadline, tenants: tenants, shape: shape, leaseTTL: leaseTTL, steps: steps)
    }

    private func readTenants() -> [String] {
        guard let (tenants, location) = table.stringArray("tenants") else { return [] }
        var seen: Set<String> = []
        for tenant in tenants {
            if tenant.isEmpty || !tenant.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
                table.error("\(table.name("tenants")): tenant \"\(tenant)\" may contain only letters, digits, '-', '_' and '.'", at: location)
            } else if !seen.insert(tenant).inserted {
                table.error("\(table.name("tenants")): tenant \"\(tenant)\" is listed twice", at: location)
            }
        }
        if tenants.isEmpty { table.error("\(table.name("tenants")) is empty: list tenants or remove the key", at: location) }
        return tenants
    }

    private func readSteps(shape: CycleShape?) -> [CycleStep]? {
        guard let node = table.node("steps") else {
            table.error("cycle \"\(name)\" has no steps: add [[\(table.name("steps"))]] tables with name and run", at: keyLocation)
            return nil
        }
        guard let items = node.array, items.allSatisfy({ $0.table != nil }) else {
            table.error("\(table.name("steps")) must be an array of tables ([[\(table.name("steps"))]])", at: node.location)
            return nil
        }
        var steps: [CycleStep] = []
        var failed = false
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            let reader = TableReader(item.table!, path: "\(table.name("steps"))[\(index)]", sink: table.sink)
            guard let step = readStep(reader, shape: shape) else { failed = true; continue }
            if !names.insert(step.name).inserted {
                reader.error("step name \"\(step.name)\" is used twice in cycle \"\(name)\"", at: reader.location)
                failed = true
            }
            steps.append(step)
        }
        if items.isEmpty {
            table.error("cycle \"\(name)\" has no steps", at: node.location)
            return nil
        }
        if let shape, !failed, steps.map(\.name) != shape.phases {
            table.error(
                "shape \"\(shape.rawValue)\" needs exactly the steps \(shape.phases.joined(separator: ", ")) in that order, found \(steps.map(\.name).joined(separator: ", "))",
                at: node.location
            )
            return nil
        }
        return failed ? nil : steps
    }

    private func readStep(_ step: TableReader, shape: CycleShape?) -> CycleStep? {
        defer { step.finish(known: Self.stepKeys) }
        guard let (stepName, nameLocation) = step.string("name") else {
            step.error("\(step.path) needs name = \"…\"", at: step.location)
            return nil
        }
        if stepName.isEmpty || !stepName.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
            step.error("step name \"\(stepName)\" may contain only letters, digits, '-', '_' and '.'", at: nameLocation)
        }
        var action: JobAction?
        if let run = step.subtable("run") {
            action = readRun(run)
            if action == nil { return nil }
        } else if !(shape == .planActReactReflect && stepName == "act") {
            step.error("step \"\(stepName)\" needs run = { command = [\"…\"] } or run = { webhook = \"https://…\" }", at: step.location)
            return nil
        }
        var result = CycleStep(name: stepName, action: action)
        // A work block reacts and reflects on failed actions too.
        if shape == .planActReactReflect, stepName == "act" { result.onFailure = .continue }
        result.budget = step.duration("budget")
        result.hardTimeout = step.duration("hard_timeout")
        result.condensed = step.bool("condensed")?.0 ?? false
        result.policyLabel = step.policyLabel()
        if let (policy, location) = step.string("on_failure") {
            switch policy {
            case "stop": result.onFailure = .stop
            case "continue": result.onFailure = .continue
            case "retry":
                let defaults = RetryPolicy(attempts: 3, backoff: .seconds(5), maxBackoff: .seconds(300))
                result.onFailure = .retry(step.retryPolicy("retry", defaults: defaults) ?? defaults)
            default: step.error("\(step.name("on_failure")) must be one of \"stop\", \"continue\", \"retry\", found \"\(policy)\"", at: location)
            }
        }
        let retries = if case .retry = result.onFailure { true } else { false }
        if !retries, let node = step.node("retry") {
            step.error("\(step.name("retry")) applies only with on_failure = \"retry\"", at: node.location)
        }
        return result
    }

    private func readRun(_ run: TableReader) -> JobAction? {
        defer { run.finish(known: ["command", "cwd", "env", "webhook", "step"]) }
        let hasCommand = run.has("command"), hasWebhook = run.has("webhook"), hasStep = run.has("step")
        guard [hasCommand, hasWebhook, hasStep].filter({ $0 }).count == 1 else {
            run.error("\(run.path) needs exactly one of command = [\"…\"], webhook = \"https://…\" or step = \"PACK.STEP\"", at: run.location)
            _ = run.node("command"); _ = run.node("webhook"); _ = run.node("step")
            return nil
        }
        if hasStep {
            guard let (name, location) = run.string("step") else { return nil }
            guard PackStepName.isValid(name) else {
                run.error("\(run.path).step \"\(name)\" must be PACK.STEP (letters, digits, - and _ around one dot), e.g. \"builder.builds\"", at: location)
                return nil
            }
            return .step(name)
        }
        if hasCommand { return ActionReader.command(run).map(JobAction.command) }
        return ActionReader.webhook(run).map(JobAction.webhook)
    }
}
