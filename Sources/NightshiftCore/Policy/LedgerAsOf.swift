import Foundation

/// A ledger read as of one moment: usage leaves out what was counted after it, so a decision asked
/// about an earlier moment (`policy explain --at`) sees that day's counts and budgets as they stood
/// then, not as the rest of the day left them.
struct LedgerAsOf: ActionLedger {
    let base: any ActionLedger
    let moment: Date

    /// `base` as of `moment`; `base` itself when there is no moment (now: nothing was counted later).
    static func ledger(_ base: any ActionLedger, asOf moment: Date?) -> any ActionLedger {
        moment.map { LedgerAsOf(base: base, moment: $0) } ?? base
    }

    func usage(_ query: UsageQuery) throws -> Usage {
        var query = query
        query.until = min(query.until ?? moment, moment)
        return try base.usage(query)
    }

    func actions(_ query: ActionQuery) throws -> [ActionRecord] {
        try base.actions(query)
    }
}
