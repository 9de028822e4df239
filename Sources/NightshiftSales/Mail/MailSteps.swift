public import Foundation
public import NightshiftCore
public import NightshiftMail

/// The mail steps (`sales.mail-monitor`, `sales.mail-send`) and handlers (`send_email`,
/// `classify_reply`) of a workspace with a `[mail]` table.
struct MailPackParts: Sendable {
    let store: any SalesStore
    let settings: MailSettings
    let sales: SalesSettings
    let context: PackContext

    var work: MailWork {
        MailWork(store: store, settings: settings, sales: sales, timeZone: context.configuration.settings.timeZone)
    }

    var sendHandler: SendEmailHandler {
        let work = self.work
        return SendEmailHandler(
            store: store, settings: settings, sequences: sales.nurture, clock: context.clock, unsubscribeSecret: { work.unsubscribeSecret },
            postOffice: { account in try MailWork.postOffice(for: account, environment: ProcessInfo.processInfo.environment) }
        )
    }

    var handlers: [any ActionHandler] {
        var list: [any ActionHandler] = [sendHandler]
        if !settings.classifierCommand.isEmpty {
            list.append(ClassifyReplyHandler(command: settings.classifierCommand, directory: "\(context.root)/state/classify"))
        }
        return list
    }

    /// The classifier a step uses: the model command's (through the gate) or the rules.
    static func classifier(_ work: MailWork, gate: PolicyGate, runID: String?) -> any ReplyClassifier {
        work.settings.classifierCommand.isEmpty ? work.ruleClassifier : CommandReplyClassifier(gate: gate, runID: runID, fallback: work.ruleClassifier)
    }

    var steps: [any PackStep] {
        let work = self.work, handler = sendHandler, clock = context.clock
        return [
            SalesStep(name: "sales.mail-monitor", summary: "read new replies and sent mail of every [mail.accounts] account; classify replies for review") { context in
                let report = try await work.sync(classifier: Self.classifier(work, gate: context.gate, runID: context.action.runID), at: { clock.now() })
                var lines = report.folders.map { folder in
                    folder.error.map { "\(folder.account)/\(folder.folder): failed: \($0)" }
                        ?? "\(folder.account)/\(folder.folder): \(folder.fetched) read, \(folder.stored) kept, \(folder.known) known, \(folder.ignored) not about prospects"
                            + (folder.resynced ? " (UIDVALIDITY changed: read again)" : "")
                }
                lines += report.classes.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                if report.failed { throw SalesStepFailure(description: lines.joined(separator: "\n")) }
                guard case .object(let json) = report.json else { return (lines, [:]) }
                return (lines, json)
            },
            SalesStep(name: "sales.mail-send", summary: "send the outbox's due drafts as send_email actions, within send_window and the caps") { context in
                let report = try await work.sendDue(gate: context.gate, handler: handler, runID: context.action.runID, at: context.now)
                guard case .object(let json) = report.json else { return (report.lines, [:]) }
                return (report.lines, json)
            },
        ]
    }

    /// The monitor and send jobs, unless the names are taken.
    static func install(_ settings: MailSettings, into configuration: inout WorkspaceConfiguration) throws {
        for account in settings.accounts {
            if let variable = account.passwordVariable { configuration.environmentNames.insert(variable) }
        }
        if let variable = settings.unsubscribeSecretVariable { configuration.environmentNames.insert(variable) }
        guard !settings.accounts.isEmpty else { return }
        let zone = configuration.settings.timeZone
        let jobs = [
            ("mail-monitor", settings.monitorSchedule, "sales.mail-monitor", "Reads new replies and sent mail, classifies replies into the review queue"),
            ("mail-send", settings.sendSchedule, "sales.mail-send", "Sends the outbox's due drafts through the gate, within send_window and the caps"),
        ]
        for (name, cron, step, what) in jobs where configuration.job(named: name) == nil {
            configuration.jobs.append(Job(
                name: name, description: what, schedule: try Schedule.cron(parsing: cron), timeZone: zone, action: .step(step),
                timeout: .seconds(1800), overlap: .skip, missed: .skip
            ))
        }
    }
}

/// The model command behind the classifier interface: each reply is a `classify_reply` action
/// through the gate, its answer read from the command's `NIGHTSHIFT_OUTPUT` line. A reply the
/// command cannot classify falls back to the rules (and says so in a signal).
public struct CommandReplyClassifier: ReplyClassifier {
    let gate: PolicyGate
    let runID: String?
    let fallback: RuleReplyClassifier

    public init(gate: PolicyGate, runID: String?, fallback: RuleReplyClassifier) {
        self.gate = gate
        self.runID = runID
        self.fallback = fallback
    }

    public func classify(_ message: MailMessage, reference: Date) async -> ReplyClassification {
        var rules = fallback.classification(of: message, reference: reference)
        // Reports are read by their structure, which the rules do exactly; the model reads people.
        guard rules.replyClass != .bounce, rules.replyClass != .complaint else { return rules }
        let proposal = ProposedAction(
            type: ClassifyReplyHandler.type, attributes: ["message_id": .string(message.messageID ?? "")],
            payload: .object([
                "subject": .string(message.subject ?? ""), "from": .string(message.from.first?.address ?? ""), "text": .string(rules.text),
            ]),
            actor: Actor(.pack, "sales"), summary: "classify the reply \(message.messageID ?? "")"
        )
        do {
            let outcome = try await gate.propose(proposal, runID: runID)
            guard outcome.executed, outcome.result.succeeded else {
                rules.signals.append(ReplySignal(.model, "the model command did not answer (\(outcome.result.error ?? "not executed")): the rules decided"))
                return rules
            }
            let answer = try ClassifyReplyHandler.answer(fromOutput: outcome.result.output)
            rules.replyClass = answer.replyClass
            rules.signals = [ReplySignal(.model, answer.reason)] + rules.signals
            if answer.replyClass == .notInterested, answer.unsubscribe { rules.unsubscribe = true }
            return rules
        } catch {
            rules.signals.append(ReplySignal(.model, "the model command's answer was refused (\(error)): the rules decided"))
            return rules
        }
    }
}

/// `classify_reply`: runs `[mail] classifier` on one reply's text (`{file}`); it answers with a
/// `NIGHTSHIFT_OUTPUT {"class": "...", "reason": "...", "unsubscribe": false}` line.
public struct ClassifyReplyHandler: ActionHandler {
    public static let type = "classify_reply"
    public var types: [String] { [Self.type] }
    let command: [String]
    let directory: String

    public init(command: [String], directory: String) {
        self.command = command
        self.directory = directory
    }

    public func execute(_ action: ActionRecord, context: ActionContext) async -> ActionResult {
        guard case .object(let payload) = action.payload, let text = payload["text"]?.stringValue else { return .failure("\(action.id) carries no reply") }
        let head = "Subject: \(payload["subject"]?.stringValue ?? "")\nFrom: \(payload["from"]?.stringValue ?? "")\n\n"
        let result = await CommandOnText.run(
            command, text: head + text, file: "\(directory)/\(action.id).txt", placeholder: "{file}", variable: "NIGHTSHIFT_REPLY_FILE",
            naming: "classifier command", context: context
        )
        guard result.succeeded else { return result }
        do { _ = try Self.answer(fromOutput: result.output) } catch { return .failure("the classifier's answer is refused: \(error)") }
        return result
    }

    struct Answer {
        var replyClass: ReplyClass
        var reason: String
        var unsubscribe: Bool
    }

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    static func answer(fromOutput output: String) throws -> Answer {
        guard case .success(let value?) = StepOutput.parse(output), case .object(let members) = value,
              let name = members["class"]?.stringValue
        else { throw Refused(description: "no NIGHTSHIFT_OUTPUT {\"class\": \"...\"} line") }
        guard let replyClass = ReplyClass(rawValue: name) else {
            throw Refused(description: "\"\(name)\" is not a class; the classes are \(ReplyClass.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let reason = String((members["reason"]?.stringValue ?? "the model command said \(name)").prefix(300))
        var unsubscribe = false
        if case .bool(let flag)? = members["unsubscribe"] { unsubscribe = flag }
        return Answer(replyClass: replyClass, reason: "model: " + reason, unsubscribe: unsubscribe)
    }
}
