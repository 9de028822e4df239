import Foundation
import NightshiftCore

extension StoreConformance {
    /// Actions and the audit trail: an action and its audit record written together or not at all,
    /// compare-and-set updates, the usage that counts and budgets read, and a hash chain that
    /// verifies, whatever the order and concurrency of writes.
    public static let actionCases: [StoreConformanceCase] = [
        StoreConformanceCase("insertAction: an action reads back field for field, and its audit record starts the chain") { store in
            var record = actionFixture("a_1", status: .awaitingApproval, cost: 12.5, created: 10)
            record.expiresAt = Fixture.at(10 + 72 * 3600)
            try await store.insertAction(record, audit: auditFixture(.decision, subject: "a_1", at: 10))
            try checkAction(try await store.action("a_1"), record)
            try check(try await store.action("a_nope") == nil, "action() of an unknown id returned an action")
            let trail = try await store.auditRecords(AuditQuery())
            try checkEqual(trail.map(\.seq), [1], "audit seqs")
            try checkEqual(trail[0].kind, .decision, "audit kind")
            try checkEqual(trail[0].subject, "a_1", "audit subject")
            try checkEqual(trail[0].actor, "job:nurture", "audit actor")
            try checkEqual(trail[0].previousHash, AuditChain.genesis, "the first record's previous hash")
            try checkEqual(trail[0].data.canonical, auditFixture(.decision, subject: "a_1", at: 10).data.canonical, "audit data")
            try checkDate(trail[0].at, Fixture.at(10), "audit time")
            try checkEqual(try await store.auditHead(), AuditHead(seq: 1, hash: trail[0].hash), "head")
        },

        StoreConformanceCase("insertAction: a second action with the same id is refused, and no audit record is appended") { store in
            let first = actionFixture("a_1", created: 1)
            try await store.insertAction(first, audit: auditFixture(.decision, subject: "a_1", at: 1))
            var threw = false
            do {
                try await store.insertAction(actionFixture("a_1", type: "other", created: 2), audit: auditFixture(.decision, subject: "a_1", at: 2))
            } catch {
                threw = true
            }
            try check(threw, "insertAction of an existing id did not throw")
            try checkAction(try await store.action("a_1"), first)
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 1, "audit records after the refused insert")
            try checkEqual(try await store.auditHead()?.seq, 1, "head after the refused insert")
        },

        StoreConformanceCase("updateAction: applies only from an expected status; otherwise nothing is written, audit included") { store in
            var parked = actionFixture("a_1", status: .awaitingApproval, created: 1)
            parked.note = "from the agent"
            try await store.insertAction(parked, audit: auditFixture(.decision, subject: "a_1", at: 1))
            let refused = try await store.updateAction(
                "a_1", expecting: [.allowed, .approved], ActionUpdate(status: .executed), audit: auditFixture(.execution, subject: "a_1", at: 2)
            )
            try check(refused == nil, "updateAction from a status not expected returned a record")
            try checkAction(try await store.action("a_1"), parked)
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 1, "audit records after a refused update")
            let unknown = try await store.updateAction(
                "a_nope", expecting: [.awaitingApproval], ActionUpdate(status: .approved), audit: auditFixture(.approval, subject: "a_nope", at: 2)
            )
            try check(unknown == nil, "updateAction of an unknown id returned a record")
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 1, "audit records after updating an unknown id")

            let update = ActionUpdate(status: .approved, resolvedBy: "cli:operator", resolvedAt: Fixture.at(3), executionRunID: "r_9", outcome: "started")
            var expected = parked
            update.apply(to: &expected)
            let approved = try unwrap(
                try await store.updateAction("a_1", expecting: [.awaitingApproval], update, audit: auditFixture(.approval, subject: "a_1", at: 3)),
                "approved record"
            )
            try checkAction(approved, expected)
            try checkAction(try await store.action("a_1"), expected)
            try checkEqual(expected.note, "from the agent", "a nil field of the update keeps the stored value")
            let executed = ActionUpdate(status: .executed, outcome: "succeeded", countedAt: Fixture.at(4), runSeconds: 2.25)
            update.apply(to: &expected)
            executed.apply(to: &expected)
            let done = try await store.updateAction("a_1", expecting: [.approved], executed, audit: auditFixture(.execution, subject: "a_1", at: 4))
            try checkAction(done, expected)
            try checkEqual(try await store.auditRecords(AuditQuery(subject: "a_1")).map(\.kind), [.decision, .approval, .execution], "audit kinds")
        },

        StoreConformanceCase("updateAction: of concurrent updates from awaiting_approval exactly one wins, with one audit record") { store in
            try await store.insertAction(actionFixture("a_1", status: .awaitingApproval, created: 1), audit: auditFixture(.decision, subject: "a_1", at: 1))
            let winners = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<10 {
                    group.addTask {
                        try await store.updateAction(
                            "a_1", expecting: [.awaitingApproval], ActionUpdate(status: index % 2 == 0 ? .approved : .rejected, resolvedBy: "op\(index)"),
                            audit: auditFixture(.approval, subject: "a_1", at: 2)
                        ) != nil
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try checkEqual(winners, 1, "updates that won")
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 2, "audit records")
            let status = try unwrap(try await store.action("a_1")?.status, "status")
            try check(status == .approved || status == .rejected, "status after the race: \(status)")
        },

        StoreConformanceCase("actions: filtered by status, run, type and payload hash; newest first, ties by id; limited") { store in
            let records = [
                actionFixture("a_1", type: "mail", status: .executed, runID: "r_1", created: 1),
                actionFixture("a_2", type: "mail", status: .awaitingApproval, runID: "r_1", created: 2),
                actionFixture("a_4", type: "call", status: .forbidden, runID: "r_2", created: 3),
                actionFixture("a_3", type: "mail", status: .forbidden, runID: nil, created: 3),
                actionFixture("a_5", type: "mail", status: .approved, runID: "r_2", created: 4, payload: .object(["command": .array([.string("./other.sh")])])),
            ]
            for record in records { try await store.insertAction(record, audit: auditFixture(.decision, subject: record.id, at: 1)) }
            try checkEqual(try await store.actions(ActionQuery()).map(\.id), ["a_5", "a_4", "a_3", "a_2", "a_1"], "all, newest first")
            try checkEqual(try await store.actions(ActionQuery(limit: 2)).map(\.id), ["a_5", "a_4"], "limited")
            try checkEqual(try await store.actions(ActionQuery(statuses: [.forbidden])).map(\.id), ["a_4", "a_3"], "forbidden")
            try checkEqual(try await store.actions(ActionQuery(statuses: [.forbidden, .awaitingApproval])).map(\.id), ["a_4", "a_3", "a_2"], "two statuses")
            try checkEqual(try await store.actions(ActionQuery(runID: "r_1")).map(\.id), ["a_2", "a_1"], "by run")
            try checkEqual(try await store.actions(ActionQuery(statuses: [.forbidden], runID: "r_2")).map(\.id), ["a_4"], "by status and run")
            try checkEqual(try await store.actions(ActionQuery(type: "mail")).map(\.id), ["a_5", "a_3", "a_2", "a_1"], "by type")
            let hash = records[0].payloadHash
            try checkEqual(try await store.actions(ActionQuery(type: "mail", payloadHash: hash)).map(\.id), ["a_3", "a_2", "a_1"], "by type and payload hash")
            let approvedWithHash = try await store.actions(ActionQuery(statuses: [.approved], type: "mail", payloadHash: hash))
            try checkEqual(approvedWithHash.map(\.id), [], "approved with that hash")
            try checkEqual(try await store.actions(ActionQuery(statuses: [.consumed])).map(\.id), [], "a status nobody has")
        },

        StoreConformanceCase("usage: only allowed, executing, executed and failed actions counted since the day's start, with their cost and run time") { store in
            var records: [ActionRecord] = []
            for (index, status) in ActionStatus.allCases.enumerated() {
                var record = actionFixture("a_\(index)", status: status, cost: 10, created: 100)
                // Every status has a counted time here, so only the status decides.
                record.countedAt = Fixture.at(100)
                record.runSeconds = 1.5
                records.append(record)
            }
            var yesterday = actionFixture("a_old", status: .executed, cost: 1000, created: 0)
            yesterday.countedAt = Fixture.at(50)
            records.append(yesterday)
            var uncounted = actionFixture("a_nil", status: .executed, cost: 1000, created: 100)
            uncounted.countedAt = nil
            records.append(uncounted)
            for record in records { try await store.insertAction(record, audit: auditFixture(.decision, subject: record.id, at: 1)) }
            let usage = try await store.usage(UsageQuery(since: Fixture.at(60)))
            try checkEqual(usage.count, 4, "counted actions (allowed, executing, executed, failed)")
            try checkEqual(usage.money, 40, "their summed cost")
            try checkEqual(usage.runSeconds, 6, "their summed run time")
            try checkEqual(try await store.usage(UsageQuery(since: Fixture.at(100))).count, 4, "since is inclusive")
            try checkEqual(try await store.usage(UsageQuery(since: Fixture.at(101))), Usage(), "nothing after the last")
            try checkEqual(try await store.usage(UsageQuery(since: Fixture.at(0))).count, 5, "from before yesterday's")
            try checkEqual(try await store.usage(UsageQuery(since: Fixture.at(0), until: Fixture.at(99))).count, 1, "until leaves out what was counted later")
            try checkEqual(try await store.usage(UsageQuery(since: Fixture.at(0), until: Fixture.at(100))).count, 5, "until is inclusive")
        },

        StoreConformanceCase("usage: filters by type, actor, tenant and recipient, alone and together") { store in
            let records = [
                actionFixture("a_1", type: "mail", actor: Actor(.job, "nurture"), tenant: "acme", recipient: "ana@acme.example", cost: 1),
                actionFixture("a_2", type: "mail", actor: Actor(.job, "nurture"), tenant: "globex", recipient: "bob@globex.example", cost: 2),
                actionFixture("a_3", type: "call", actor: Actor(.job, "nurture"), tenant: "acme", recipient: "ana@acme.example", cost: 4),
                actionFixture("a_4", type: "mail", actor: Actor(.cycle, "nurture"), tenant: nil, recipient: nil, cost: 8),
                actionFixture("a_5", type: "mail", actor: Actor(.job, "other"), tenant: "acme", recipient: "ana@acme.example", cost: 16),
            ]
            for record in records { try await store.insertAction(record, audit: auditFixture(.decision, subject: record.id, at: 1)) }
            let since = Fixture.at(0)
            func money(_ query: UsageQuery) async throws -> Double { try await store.usage(query).money }
            try checkEqual(try await money(UsageQuery(since: since)), 31, "everything")
            try checkEqual(try await money(UsageQuery(since: since, types: ["mail"])), 27, "type mail")
            try checkEqual(try await money(UsageQuery(since: since, types: ["mail", "call"])), 31, "types mail and call")
            try checkEqual(try await money(UsageQuery(since: since, actor: Actor(.job, "nurture"))), 7, "actor job:nurture (not cycle:nurture)")
            try checkEqual(try await money(UsageQuery(since: since, tenant: "acme")), 21, "tenant acme")
            try checkEqual(try await money(UsageQuery(since: since, recipient: "ana@acme.example")), 21, "recipient ana")
            let narrow = UsageQuery(since: since, types: ["mail"], actor: Actor(.job, "nurture"), tenant: "acme")
            try checkEqual(try await money(narrow), 1, "type, actor and tenant")
            try checkEqual(try await store.usage(UsageQuery(since: since, types: ["mail"], recipient: "ana@acme.example")).count, 2, "type and recipient")
            try checkEqual(try await store.usage(UsageQuery(since: since, tenant: "initech")), Usage(), "a tenant nobody has")
        },

        StoreConformanceCase("audit: inserts, updates and appends form one chain that verifies; the head is the last record") { store in
            try await store.insertAction(actionFixture("a_1", status: .awaitingApproval), audit: auditFixture(.decision, subject: "a_1", at: 1))
            let configChange = AuditEntry(
                kind: .configChange, at: Fixture.at(2), actor: "daemon", subject: "nightshift.toml",
                data: .object(["sha256": .string(String(repeating: "a", count: 64))])
            )
            try await store.appendAudit(configChange)
            _ = try await store.updateAction(
                "a_1", expecting: [.awaitingApproval], ActionUpdate(status: .rejected, note: "no"), audit: auditFixture(.rejection, subject: "a_1", at: 3)
            )
            let appended = try await store.appendAudit(auditFixture(.packEvent, subject: "sales", at: 4))
            let trail = try await store.auditRecords(AuditQuery())
            try checkEqual(trail.map(\.seq), [1, 2, 3, 4], "seqs, oldest first")
            try checkEqual(trail.map(\.kind), [.decision, .configChange, .rejection, .packEvent], "kinds")
            for (previous, record) in zip(trail, trail.dropFirst()) {
                try checkEqual(record.previousHash, previous.hash, "record \(record.seq)'s previous hash")
            }
            for record in trail { try checkEqual(record.computedHash, record.hash, "record \(record.seq)'s hash") }
            try checkEqual(appended.hash, trail[3].hash, "the record appendAudit returned")
            let head = try unwrap(try await store.auditHead(), "head")
            try checkEqual(head, AuditHead(seq: 4, hash: trail[3].hash), "head")
            try check(AuditChain.verify(trail, head: head) == nil, "the chain does not verify: \(String(describing: AuditChain.verify(trail, head: head)))")
            // What verification catches: a record changed, and the newest ones taken away.
            var edited = trail
            edited[1].data = .object(["sha256": .string("tampered")])
            try checkEqual(AuditChain.verify(edited, head: head)?.seq, 2, "first broken record after an edit")
            try checkEqual(AuditChain.verify(Array(trail.dropLast()), head: head)?.seq, 4, "first missing record after a truncation")
        },

        StoreConformanceCase("auditTrail: every record oldest first, the head, nothing unreadable; it verifies, also with data holding every JSON type") { store in
            try checkEqual(try await store.auditTrail().count, 0, "records of an empty trail")
            try await store.appendAudit(auditFixture(.decision, subject: "a_1", at: 1))
            // Sealed data is stored canonical; read back it must still be byte for byte what was hashed.
            let data: JSONValue = .object([
                "text": .string("é \"quoted\"\n\u{1}"), "integer": .integer(-42), "number": .number(0.1), "large": .number(1e300),
                "flag": .bool(true), "nothing": .null, "list": .array([.integer(1), .string("two")]),
            ])
            try await store.appendAudit(AuditEntry(kind: .packEvent, at: Date(timeIntervalSince1970: 2), actor: "pack:test", subject: "s", data: data))
            let trail = try await store.auditTrail()
            try checkEqual(trail.records.map(\.seq), [1, 2], "seqs, oldest first")
            try check(trail.unreadable.isEmpty && trail.headFault == nil, "nothing unreadable in a trail the store wrote")
            try checkEqual(trail.head, try await store.auditHead(), "head")
            try checkEqual(trail.records[1].data, data, "data read back")
            try check(AuditChain.verify(trail) == nil, "the chain does not verify: \(String(describing: AuditChain.verify(trail)))")
        },

        StoreConformanceCase("auditHead: nil before the first record") { store in
            try check(try await store.auditHead() == nil, "auditHead of an empty trail returned a head")
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 0, "records of an empty trail")
        },

        StoreConformanceCase("auditRecords: by kind, subject and since; the whole chain oldest first, with a limit the newest first") { store in
            let entries: [(AuditKind, String, Double)] = [
                (.decision, "a_1", 10), (.decision, "a_2", 20), (.approval, "a_1", 30), (.execution, "a_1", 40), (.expiry, "a_2", 50),
            ]
            for (kind, subject, at) in entries { try await store.appendAudit(auditFixture(kind, subject: subject, at: at)) }
            func seqs(_ query: AuditQuery) async throws -> [Int64] { try await store.auditRecords(query).map(\.seq) }
            try checkEqual(try await seqs(AuditQuery()), [1, 2, 3, 4, 5], "all, oldest first")
            try checkEqual(try await seqs(AuditQuery(limit: 2)), [5, 4], "newest two")
            try checkEqual(try await seqs(AuditQuery(limit: 10)), [5, 4, 3, 2, 1], "a limit above the count")
            try checkEqual(try await seqs(AuditQuery(kinds: [.decision])), [1, 2], "decisions")
            try checkEqual(try await seqs(AuditQuery(kinds: [.approval, .expiry])), [3, 5], "approvals and expiries")
            try checkEqual(try await seqs(AuditQuery(subject: "a_1")), [1, 3, 4], "about a_1")
            try checkEqual(try await seqs(AuditQuery(since: Fixture.at(30))), [3, 4, 5], "since is inclusive")
            try checkEqual(try await seqs(AuditQuery(since: Fixture.at(30.5))), [4, 5], "since between records")
            try checkEqual(try await seqs(AuditQuery(since: Fixture.at(20), kinds: [.decision, .expiry], subject: "a_2", limit: 1)), [5], "everything at once")
            try checkEqual(try await seqs(AuditQuery(since: Fixture.at(60))), [], "after the last")
        },

        StoreConformanceCase("appendAudit: concurrent appends and action writes form one unbroken chain") { store in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        if index % 3 == 0 {
                            try await store.insertAction(actionFixture("a_\(index)"), audit: auditFixture(.decision, subject: "a_\(index)", at: Double(index)))
                        } else {
                            try await store.appendAudit(auditFixture(.packEvent, subject: "e_\(index)", at: Double(index)))
                        }
                    }
                }
                try await group.waitForAll()
            }
            let trail = try await store.auditRecords(AuditQuery())
            try checkEqual(trail.map(\.seq), (1...24).map(Int64.init), "seqs")
            try checkEqual(Set(trail.map(\.subject)).count, 24, "one record per write")
            let head = try await store.auditHead()
            try check(AuditChain.verify(trail, head: head) == nil, "the chain does not verify: \(String(describing: AuditChain.verify(trail, head: head)))")
        },

        StoreConformanceCase("recordDecision: concurrent deciders see each other's records, so a count of 3 admits exactly 3") { store in
            let outcomes = try await withThrowingTaskGroup(of: ActionStatus.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await store.recordDecision { ledger in
                            let used = try ledger.usage(UsageQuery(since: Fixture.at(0), types: ["send_email"])).count
                            let status: ActionStatus = used < 3 ? .allowed : .awaitingApproval
                            let record = actionFixture("a_\(index)", status: status, created: Double(index + 1))
                            let decision = Decision(verdict: record.verdict, tier: nil, decidedBy: record.decidedBy, reason: record.reason)
                            return DecidedAction(record: record, decision: decision, audit: auditFixture(.decision, subject: record.id, at: Double(index + 1)))
                        }.record.status
                    }
                }
                return try await group.reduce(into: [ActionStatus]()) { $0.append($1) }
            }
            try checkEqual(outcomes.filter { $0 == .allowed }.count, 3, "allowed decisions")
            try checkEqual(try await store.usage(UsageQuery(since: Fixture.at(0), types: ["send_email"])).count, 3, "usage after the race")
            let trail = try await store.auditRecords(AuditQuery())
            try checkEqual(trail.count, 20, "one decision record each")
            try check(AuditChain.verify(trail, head: try await store.auditHead()) == nil, "the chain does not verify")
        },

        StoreConformanceCase("recordDecision: an approval grant is consumed once; a second decision using it writes nothing") { store in
            try await store.insertAction(actionFixture("a_grant", status: .approved, created: 1), audit: auditFixture(.decision, subject: "a_grant", at: 1))
            // Both decisions believe the grant is theirs (as two deciders that read it before either wrote
            // would); the store must let only one consume it.
            let grant = try unwrap(try await store.action("a_grant"), "the grant")
            func decide(_ id: String, at: Double) -> @Sendable (any ActionLedger) throws -> DecidedAction {
                { _ in
                    let record = actionFixture(id, created: at)
                    let decision = Decision(verdict: .allow, tier: nil, decidedBy: ["approval.\(grant.id)"], reason: "approved")
                    return DecidedAction(
                        record: record, decision: decision, audit: auditFixture(.decision, subject: id, at: at),
                        consumedGrant: (grant.id, ActionUpdate(status: .consumed, outcome: "used by \(id)"), auditFixture(.execution, subject: grant.id, at: at))
                    )
                }
            }
            _ = try await store.recordDecision(decide("a_1", at: 2))
            try checkEqual(try await store.action("a_grant")?.status, .consumed, "the grant after its use")
            var threw = false
            do { _ = try await store.recordDecision(decide("a_2", at: 3)) } catch { threw = true }
            try check(threw, "a decision without an approved grant to consume did not throw")
            try check(try await store.action("a_2") == nil, "the refused decision was written")
            try checkEqual(try await store.auditRecords(AuditQuery()).count, 3, "audit records: grant, decision, its use")
        },

        StoreConformanceCase("audit data reads back exactly as hashed: nested values, numbers, unicode") { store in
            let data = JSONValue.object([
                "attributes": .object([
                    "cost": .number(12.5), "count": .integer(3), "topics": .array([.string("pricing"), .string("légal")]), "flag": .bool(true),
                    "none": .null,
                ]),
                "reason": .string("line one\nline \"two\" — ✓"), "decided_by": .array([.string("catalog.send"), .string("budgets.mail-per-day")]),
            ])
            let written = try await store.appendAudit(AuditEntry(kind: .decision, at: Fixture.at(1.25), actor: "cli:operator", subject: "a_1", data: data))
            let read = try unwrap(try await store.auditRecords(AuditQuery()).first, "record")
            try checkEqual(read.data.canonical, data.canonical, "data")
            try checkEqual(read.hash, written.hash, "hash")
            try checkEqual(read.computedHash, read.hash, "recomputed hash")
            try checkEqual(read.atMillis, 1_750_000_001_250, "time in whole milliseconds")
        },
    ]
}

/// An action proposed at `created` seconds after the epoch, decided `status`. Its cost and
/// recipient come from its attributes, as the gate records them.
func actionFixture(
    _ id: String, type: String = "send_email", status: ActionStatus = .allowed, actor: Actor = Actor(.job, "nurture"), tenant: String? = "acme",
    recipient: String? = "ana@acme.example", cost: Double = 0, runID: String? = "r_1", created: Double = 1,
    payload: JSONValue = .object(["command": .array([.string("./send.sh"), .string("--to"), .string("ana")])])
) -> ActionRecord {
    var attributes: [String: JSONValue] = [
        "stage": .string("discovery"), "deal": .object(["value": .integer(1200), "ratio": .number(0.25)]), "topics": .array([.string("pricing")]),
    ]
    if let recipient { attributes["recipient"] = .string(recipient) }
    if cost != 0 { attributes["cost"] = .number(cost) }
    let verdict: Verdict = switch status {
    case .forbidden: .forbid
    case .awaitingApproval, .approved, .consumed, .rejected, .expired, .refused: .approve
    default: .allow
    }
    let decision = Decision(verdict: verdict, tier: .autonomous, decidedBy: ["catalog.\(type)", "rule-\(id)"], reason: "because \(id)")
    return ActionRecord(
        id: id, action: ProposedAction(type: type, attributes: attributes, payload: payload, actor: actor, tenant: tenant), decision: decision,
        status: status, runID: runID, createdAt: Fixture.at(created)
    )
}

/// An audit entry about `subject` at `at` seconds after the epoch.
func auditFixture(_ kind: AuditKind, subject: String, at: Double) -> AuditEntry {
    AuditEntry(
        kind: kind, at: Fixture.at(at), actor: "job:nurture", subject: subject,
        data: .object(["verdict": .string("allow"), "n": .number(at), "subject": .string(subject)])
    )
}

/// Compares every field of an action read back from the store with the one expected; JSON by its
/// canonical form (a driver may store 2.0 as 2).
func checkAction(_ actual: ActionRecord?, _ expected: ActionRecord, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "action \(expected.id)", file: file, line: line)
    let name = "action \(expected.id)"
    try checkEqual(actual.id, expected.id, "\(name).id", file: file, line: line)
    try checkEqual(actual.type, expected.type, "\(name).type", file: file, line: line)
    try checkEqual(actual.actor, expected.actor, "\(name).actor", file: file, line: line)
    try checkEqual(actual.tenant, expected.tenant, "\(name).tenant", file: file, line: line)
    try checkEqual(actual.attributes.canonical, expected.attributes.canonical, "\(name).attributes", file: file, line: line)
    try checkEqual(actual.payload.canonical, expected.payload.canonical, "\(name).payload", file: file, line: line)
    try checkEqual(actual.payloadHash, expected.payloadHash, "\(name).payloadHash", file: file, line: line)
    try checkEqual(actual.verdict, expected.verdict, "\(name).verdict", file: file, line: line)
    try checkEqual(actual.decidedBy, expected.decidedBy, "\(name).decidedBy", file: file, line: line)
    try checkEqual(actual.reason, expected.reason, "\(name).reason", file: file, line: line)
    try checkEqual(actual.status, expected.status, "\(name).status", file: file, line: line)
    try checkEqual(actual.runID, expected.runID, "\(name).runID", file: file, line: line)
    try checkDate(actual.createdAt, expected.createdAt, "\(name).createdAt", file: file, line: line)
    try checkDate(actual.expiresAt, expected.expiresAt, "\(name).expiresAt", file: file, line: line)
    try checkEqual(actual.resolvedBy, expected.resolvedBy, "\(name).resolvedBy", file: file, line: line)
    try checkDate(actual.resolvedAt, expected.resolvedAt, "\(name).resolvedAt", file: file, line: line)
    try checkEqual(actual.note, expected.note, "\(name).note", file: file, line: line)
    try checkEqual(actual.executionRunID, expected.executionRunID, "\(name).executionRunID", file: file, line: line)
    try checkEqual(actual.outcome, expected.outcome, "\(name).outcome", file: file, line: line)
    try checkDate(actual.countedAt, expected.countedAt, "\(name).countedAt", file: file, line: line)
    try checkEqual(actual.cost, expected.cost, "\(name).cost", file: file, line: line)
    try checkEqual(actual.recipient, expected.recipient, "\(name).recipient", file: file, line: line)
    try checkEqual(actual.runSeconds, expected.runSeconds, "\(name).runSeconds", file: file, line: line)
}
