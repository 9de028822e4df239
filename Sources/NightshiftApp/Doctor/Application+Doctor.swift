public import Foundation
public import Logging
public import NightshiftCore
import NightshiftExec

/// One check of `nightshift doctor`: fine (no severity), a warning or critical.
public struct DoctorFinding: Sendable, Hashable {
    /// `daemon`, `runs`, `leases`, `notifier NAME`, `calendars`, `store`, `health`.
    public var check: String
    /// nil when the check passed.
    public var severity: Severity?
    public var message: String

    public init(check: String, severity: Severity?, message: String) {
        self.check = check
        self.severity = severity
        self.message = message
    }
}

/// What `doctor` found, and whether the critical findings were sent to the notifiers.
public struct DoctorReport: Sendable {
    public var findings: [DoctorFinding]
    /// The delivery errors when the findings were sent (empty: sent everywhere); nil when nothing was sent.
    public var alertErrors: [String]?

    /// Nothing critical.
    public var ok: Bool { !findings.contains { $0.severity == .critical } }

    /// Runs every check on the workspace `load` opens and, with `alert`, sends the critical findings.
    /// A store `load` refuses is itself the finding: the notifiers hear of it through the
    /// configuration alone (``NightshiftApplication/withoutStore(workspace:environment:logger:)``).
    public static func examine(
        _ workspace: Workspace, alert: Bool, logger: Logger, load: () async throws -> NightshiftApplication
    ) async throws -> DoctorReport {
        let app: NightshiftApplication
        let findings: [DoctorFinding]
        do {
            app = try await load()
            findings = await app.doctor(at: app.clock.now())
        } catch let error as AppError where error.isStoreRefusal {
            app = try NightshiftApplication.withoutStore(workspace: workspace, logger: logger)
            findings = [DoctorFinding(check: "store", severity: .critical, message: error.message)]
        }
        return DoctorReport(findings: findings, alertErrors: alert ? await app.alertDoctorFindings(findings, at: app.clock.now()) : nil)
    }

    /// The report as `doctor --json` prints it.
    public var json: JSONValue {
        .object([
            "ok": .bool(ok),
            "findings": .array(findings.map {
                .object(["check": .string($0.check), "severity": .string($0.severity?.rawValue ?? "ok"), "message": .string($0.message)])
            }),
            "alerted": .bool(alertErrors != nil), "alert_errors": .array((alertErrors ?? []).map { .string($0) }),
        ])
    }
}

extension NightshiftApplication {
    /// The workspace's configuration over an empty in-memory store, for `doctor` when the store
    /// itself was refused (``AppError/storeRefused(_:)``): enough to report it and alert the notifiers.
    public static func withoutStore(
        workspace: Workspace, environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    ) throws -> NightshiftApplication {
        let configuration: WorkspaceConfiguration
        do {
            configuration = try ConfigLoader.load(path: workspace.configPath, displayName: workspace.configPath, environment: environment, sections: packSections)
        } catch {
            throw AppError.usage(error.description)
        }
        return NightshiftApplication(workspace: workspace, configuration: configuration, store: MemoryStore(), environment: environment, logger: logger)
    }

    /// Whether the daemon is alive, runs are not stuck, leases are not held by the dead, the
    /// notifiers answer, the store is sound and no critical health problem is open.
    public func doctor(at now: Date = Date()) async -> [DoctorFinding] {
        var findings = await daemonFindings(at: now)
        findings += await runFindings(at: now)
        findings += await leaseFindings(at: now)
        findings += await notifierFindings()
        findings += await calendarFindings()
        findings += await storeFindings()
        return findings
    }

    /// Each `[context]` calendar that cannot be read or parsed, which the operator's context then
    /// leaves out.
    private func calendarFindings() async -> [DoctorFinding] {
        guard !configuration.context.calendars.isEmpty else { return [] }
        let load = await calendarLoad()
        guard !load.problems.isEmpty else {
            return [DoctorFinding(check: "calendars", severity: nil, message: "\(load.calendars.count) read")]
        }
        return load.problems.map { DoctorFinding(check: "calendars", severity: .warning, message: "\($0) (left out of the operator's context)") }
    }

    private func daemonFindings(at now: Date) async -> [DoctorFinding] {
        if store.isSharedByNodes { return await nodeFindings(at: now) }
        let stale = configuration.health.staleAfter
        let instance: DaemonInstance?
        do { instance = try await store.daemonInstance() } catch {
            return [DoctorFinding(check: "daemon", severity: .critical, message: "cannot read the daemon's record: \(error)")]
        }
        guard let instance else {
            return [DoctorFinding(check: "daemon", severity: .warning, message: "no daemon has served this workspace yet (start one: nightshift serve)")]
        }
        let age = Int(now.timeIntervalSince(instance.heartbeatAt).rounded())
        if let stopped = instance.stoppedAt {
            return [DoctorFinding(check: "daemon", severity: .critical, message: "not running: the daemon (pid \(instance.pid)) stopped at \(ISO8601.format(stopped, in: configuration.settings.timeZone))")]
        }
        if instance.host == ProcessInfo.processInfo.hostName, !ProcessIdentity.isAlive(pid: instance.pid) {
            return [DoctorFinding(check: "daemon", severity: .critical, message: "not alive: pid \(instance.pid) is gone; its last heartbeat was \(age)s ago")]
        }
        if Double(age) > stale {
            return [DoctorFinding(check: "daemon", severity: .critical, message: "heartbeat \(age)s old (stale after \(Int(stale))s): pid \(instance.pid) on \(instance.host) is hung or unreachable")]
        }
        return [DoctorFinding(check: "daemon", severity: nil, message: "alive: pid \(instance.pid), heartbeat \(age)s ago")]
    }

    /// The nodes serving a store several machines share: one finding each, alive or dead.
    private func nodeFindings(at now: Date) async -> [DoctorFinding] {
        let nodes: [StatusView.Node]
        do { nodes = try await StatusView.nodes(of: store, at: now) ?? [] } catch {
            return [DoctorFinding(check: "nodes", severity: .critical, message: "cannot read the nodes' leases: \(error)")]
        }
        guard nodes.contains(where: \.alive) else {
            return [DoctorFinding(check: "nodes", severity: .critical, message: "no node serves this store (start one: nightshift serve)")]
        }
        var findings: [DoctorFinding] = []
        do {
            let maximum = storeSettings.maxClockSkew.inSeconds
            if let offset = try await ClockSkew.offset(of: clock, from: store) {
                let refusal = ClockSkew.refusal(offset: offset, maximum: maximum)
                findings.append(DoctorFinding(
                    check: "clock", severity: refusal == nil ? nil : .critical,
                    message: refusal ?? String(format: "this machine's clock is within %.2f s of the database's (max_clock_skew %.1f s)", abs(offset), maximum)
                ))
            }
        } catch {
            findings.append(DoctorFinding(check: "clock", severity: .warning, message: "cannot read the database's clock: \(error)"))
        }
        return findings + nodes.map { node in
            let age = Int(now.timeIntervalSince(node.lastHeartbeat).rounded())
            let name = "pid \(node.pid.map(String.init) ?? "?") on \(node.host ?? "?")"
            return node.alive
                ? DoctorFinding(check: "nodes", severity: nil, message: "alive: \(name), heartbeat \(age)s ago")
                : DoctorFinding(
                    check: "nodes", severity: .warning,
                    message: "dead: \(name), heartbeat \(age)s ago; the other nodes recover its runs on their next pass"
                )
        }
    }

    /// Running runs whose process is gone, or that are past their job's timeout (plus a minute).
    private func runFindings(at now: Date) async -> [DoctorFinding] {
        let running: [RunRecord]
        do { running = try await store.runs(RunQuery(states: [.running], limit: 1000)) } catch {
            return [DoctorFinding(check: "runs", severity: .critical, message: "cannot read the runs: \(error)")]
        }
        let timeouts = Dictionary(configuration.jobs.compactMap { job in job.timeout.map { (job.name, $0.inSeconds) } }, uniquingKeysWith: { first, _ in first })
        var findings: [DoctorFinding] = []
        for run in running {
            let started = run.startedAt ?? run.createdAt
            let minutes = Int(now.timeIntervalSince(started) / 60)
            if let owner = run.owner.flatMap(ProcessIdentity.init(owner:)), !owner.isAlive {
                findings.append(DoctorFinding(
                    check: "runs", severity: .critical,
                    message: "stuck: run \(run.id) of \(run.job) is running but its process \(owner.pid) is gone (started \(minutes) min ago)"
                ))
            } else if let timeout = timeouts[run.job], now.timeIntervalSince(started) > timeout + 60 {
                findings.append(DoctorFinding(
                    check: "runs", severity: .critical,
                    message: "stuck: run \(run.id) of \(run.job) has run \(minutes) min, past its \(Int(timeout))s timeout"
                ))
            }
        }
        if findings.isEmpty { findings.append(DoctorFinding(check: "runs", severity: nil, message: "\(running.count) running, none stuck")) }
        return findings
    }

    private func leaseFindings(at now: Date) async -> [DoctorFinding] {
        let leases: [Lease]
        do { leases = try await store.leases() } catch {
            return [DoctorFinding(check: "leases", severity: .critical, message: "cannot read the leases: \(error)")]
        }
        let dead = leases.filter { $0.expiresAt > now && ProcessIdentity(owner: $0.owner).map { !$0.isAlive } ?? false }
        guard !dead.isEmpty else { return [DoctorFinding(check: "leases", severity: nil, message: "\(leases.count) held, none by a dead owner")] }
        return dead.map { lease in
            DoctorFinding(
                check: "leases", severity: .warning,
                message: "\(lease.key) is held by \(lease.owner), which is gone; it frees itself in \(Int(lease.expiresAt.timeIntervalSince(now)))s"
            )
        }
    }

    /// A webhook answers a HEAD request with any HTTP status; a command's program can be launched.
    private func notifierFindings() async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for notifier in configuration.notifiers {
            let check = "notifier \(notifier.name)"
            switch notifier.kind {
            case .webhook(let webhook):
                guard var spec = executor.webhookSpec(webhook, body: Data(), timeout: .seconds(5)) else {
                    findings.append(DoctorFinding(check: check, severity: .warning, message: "an env: reference is unset"))
                    continue
                }
                spec.method = "HEAD"
                let result = await executor.webhooks.send(spec)
                if let status = result.statusCode {
                    findings.append(DoctorFinding(check: check, severity: nil, message: "answers (HTTP \(status))"))
                } else {
                    findings.append(DoctorFinding(check: check, severity: .warning, message: "does not answer: \(result.error ?? "no response")"))
                }
            case .command(let command):
                // Resolved exactly as delivery will: the notifier's PATH and working directory.
                let spec = executor.commandSpec(command, extra: [:], timeout: nil, logPath: "/dev/null")
                if let problem = executor.commands.launchProblem(spec) {
                    findings.append(DoctorFinding(check: check, severity: .warning, message: "cannot run: \(problem)"))
                } else {
                    findings.append(DoctorFinding(check: check, severity: nil, message: "its program can be run"))
                }
            }
        }
        return findings
    }

    private func storeFindings() async -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        if let maintenance {
            do {
                let problems = try await maintenance.integrityProblems()
                findings.append(problems.isEmpty
                    ? DoctorFinding(check: "store", severity: nil, message: "integrity check ok")
                    : DoctorFinding(check: "store", severity: .critical, message: "integrity check failed: \(problems.prefix(5).joined(separator: "; "))"))
            } catch {
                findings.append(DoctorFinding(check: "store", severity: .critical, message: "cannot check the store: \(error)"))
            }
        }
        if let open = try? await store.problems(ProblemQuery(open: true)) {
            for problem in open where problem.severity == .critical {
                findings.append(DoctorFinding(check: "health", severity: .critical, message: "\(problem.key): \(problem.summary)"))
            }
        }
        return findings
    }

    /// Sends the critical findings to every notifier straight from this process (no daemon
    /// needed), unless the same findings were sent within `quiet`. Returns the delivery errors,
    /// or nil when nothing was sent.
    public func alertDoctorFindings(_ findings: [DoctorFinding], at now: Date = Date(), quiet: TimeInterval = 3600) async -> [String]? {
        let critical = findings.filter { $0.severity == .critical }
        guard !critical.isEmpty else { return nil }
        let text = "Nightshift doctor on \(workspaceName): " + critical.map { "\($0.check): \($0.message)" }.joined(separator: " | ")
        // Remembered in a file, not the store: the store may be what is broken.
        let marker = "\(workspace.root)/cache/doctor-alert"
        let fingerprint = SHA256Hex.of(Data(critical.map { "\($0.check)|\($0.severity?.rawValue ?? "")" }.joined(separator: "\n").utf8))
        if let previous = try? String(contentsOfFile: marker, encoding: .utf8).split(separator: " "), previous.count == 2,
            previous[0] == fingerprint, let sent = Double(previous[1]), now.timeIntervalSince1970 - sent < quiet
        {
            return nil
        }
        let alerter = Alerter(store: store, notifiers: makeNotifiers(), logger: logger)
        let errors = await alerter.deliver(AlertMessage(
            job: "doctor", kind: .watchdog, runID: nil, consecutiveFailures: critical.count, error: nil, text: text, at: now
        ))
        try? FileManager.default.createDirectory(atPath: "\(workspace.root)/cache", withIntermediateDirectories: true)
        try? Data("\(fingerprint) \(Int(now.timeIntervalSince1970))".utf8).write(to: URL(fileURLWithPath: marker))
        return errors
    }
}
