import Foundation
import Logging
import NightshiftCore

extension NightshiftApplication {
    /// Makes the store move a row it cannot read into its quarantine table (never an audit row),
    /// then carry on; each row is logged and alerted through the notifiers once. The daemon turns
    /// this on so that one bad value cannot stop it or make it crash-loop.
    func quarantineUnreadableRows() {
        guard let quarantine = store as? any StoreQuarantine else { return }
        let alerter = Alerter(store: store, notifiers: makeNotifiers(), logger: logger)
        let reported = ReportedFaults()
        let logger = logger
        let workspaceName = workspaceName
        quarantine.quarantineUnreadableRows { fault, moved in
            guard await reported.firstTime(fault) else { return }
            let text = moved
                ? "Nightshift on \(workspaceName) moved an unreadable row to the quarantine table: \(fault)"
                : "Nightshift on \(workspaceName) cannot read \(fault); it was left in place\(fault.isAuditTrail ? " (nightshift audit verify)" : "")"
            logger.info("unreadable row", metadata: [
                "nightshift.store.table": "\(fault.table)", "nightshift.store.row": "\(fault.rowName)",
                "nightshift.store.problem": "\(fault.detail)", "nightshift.store.quarantined": "\(moved)",
            ])
            await alerter.deliver(AlertMessage(
                job: "store", kind: .store, runID: nil, consecutiveFailures: 0, error: fault.description, text: text, at: clock.now()
            ))
        }
    }
}

/// The unreadable rows already reported, so that a row left in place is alerted once, not on
/// every pass that meets it.
private actor ReportedFaults {
    private var seen: Set<StoreRowFault> = []

    func firstTime(_ fault: StoreRowFault) -> Bool {
        seen.insert(fault).inserted
    }
}
