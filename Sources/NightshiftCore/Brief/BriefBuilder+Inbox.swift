import Foundation

extension BriefBuilder {
    /// Actions parked for approval before the period's end and still approvable `now`, the
    /// longest waiting first, each with the commands that approve and reject it.
    func approvals(_ period: BriefPeriod, now: Date, counts: inout BriefCounts) async throws -> BriefSection {
        let parked = try await store.actions(ActionQuery(statuses: [.awaitingApproval], limit: configuration.scanLimit))
            .filter { $0.createdAt < period.until && ($0.expiresAt.map { $0 > now } ?? true) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let lines = parked.map { action in
            let tenant = action.tenant.map { " for tenant \($0)" } ?? ""
            let about = action.summary.map { " (\($0))" } ?? ""
            let expiry = action.expiresAt.map { "expires \(period.dateTime($0))" } ?? "does not expire"
            return "\(action.type)\(about)\(tenant), proposed by \(action.actor) at \(period.time(action.createdAt)), waits for approval: "
                + "\(action.reason.briefLine().trimmingCharacters(in: CharacterSet(charactersIn: "."))); \(expiry). "
                + "Approve with \(Self.approveCommand(action.id)), or reject with \(Self.rejectCommand(action.id))."
        }
        let items = parked.map { action -> JSONValue in
            .object([
                "id": .string(action.id), "type": .string(action.type), "actor": .string(action.actor.description),
                "tenant": action.tenant.map(JSONValue.string) ?? .null, "reason": .string(action.reason),
                "summary": action.summary.map(JSONValue.string) ?? .null, "decided_by": .array(action.decidedBy.map(JSONValue.string)), "run_id": action.runID.map(JSONValue.string) ?? .null,
                "created_at": period.json(action.createdAt), "expires_at": period.json(action.expiresAt),
                "approve_command": .string(Self.approveCommand(action.id)), "reject_command": .string(Self.rejectCommand(action.id)),
            ])
        }
        counts.approvalsWaiting = parked.count
        return BriefSection(
            id: BriefSection.CoreID.approvals, title: "Approvals waiting", rank: BriefSection.Rank.approvals, lines: lines, items: .array(items)
        )
    }

    /// Active goals, made before the period's end, that are behind their pace at its end, with
    /// the action ``Goal/suggestion(at:)`` suggests.
    func goalsBehind(_ period: BriefPeriod, counts: inout BriefCounts) async throws -> BriefSection {
        var lines: [String] = [], items: [JSONValue] = []
        for goal in try await store.goals(includeFinished: false) where goal.createdAt < period.until {
            let report = goal.evaluate(at: period.until)
            guard report.isBehind, let suggestion = goal.suggestion(at: period.until) else { continue }
            let left = Int(report.daysLeft.rounded(.down))
            lines.append("\(suggestion.reason); \(BriefCounts.count(left, "day")) left. Suggested next action: \(suggestion.type).")
            items.append(.object([
                "goal": .string(goal.name), "metric": .string(goal.metric), "kind": .string(goal.kind.rawValue),
                "current": .number(goal.current), "target": .number(goal.target), "pace": .number(report.pace),
                "expected": .number(report.expected), "days_left": .number(report.daysLeft), "end": .string(goal.end.description),
                "behind_by": suggestion.attributes["behind_by"] ?? .null, "suggested_action": .string(suggestion.type),
            ]))
        }
        counts.goalsBehind = lines.count
        return BriefSection(
            id: BriefSection.CoreID.goalsBehind, title: "Goals behind pace", rank: BriefSection.Rank.goalsBehind, lines: lines, items: .array(items)
        )
    }

    /// `nightshift approvals approve ID`: the exact command the operator can paste.
    public static func approveCommand(_ actionID: String) -> String {
        "nightshift approvals approve \(actionID)"
    }

    /// `nightshift approvals reject ID`.
    public static func rejectCommand(_ actionID: String) -> String {
        "nightshift approvals reject \(actionID)"
    }
}
