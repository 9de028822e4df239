/// Holds an audit chain against the anchors written outside the store (see ``AuditAnchor``): it
/// sits beside ``AuditChain/verify(_:head:)``, which checks the chain against itself.
///
/// It finds what the chain check cannot: a chain cut short with its head rewritten (shorter than
/// an anchor), a chain rewritten with every hash recomputed (another hash at an anchored seq),
/// an anchor line that does not verify with the key (forged), another store's trail in place of
/// this one's, and an anchor log that was removed or cut (the store remembers its last anchor).
public enum AuditAnchorCheck {
    /// What the check found.
    public struct Report: Sendable, Hashable {
        /// Each problem in a sentence; empty when the chain agrees with every anchor.
        public var problems: [String] = []
        /// Things the check could not do, which do not fail it (no key to check signatures with).
        public var notes: [String] = []
        /// How many anchors of this store the chain was held against.
        public var checked = 0
        /// The newest of them.
        public var newest: AuditAnchor?
        /// Whether signatures were verified.
        public var signaturesChecked = false

        public var ok: Bool { problems.isEmpty }

        /// A report of nothing found: no anchors, no problems.
        public init() {}
    }

    /// Checks `records` (the whole chain, by seq) of the store `store` against `log`.
    ///
    /// - Parameters:
    ///   - key: the anchor key, when one is configured and set here; nil skips signatures.
    ///   - keyConfigured: whether the configuration names a key (a note says when it is not set here).
    ///   - lastWritten: the last anchor this store recorded writing to this log, if any.
    public static func check(
        _ records: [AuditRecord], store: String, log: AuditAnchorLog, key: String?, keyConfigured: Bool, lastWritten: AuditAnchor?
    ) -> Report {
        var report = Report()
        report.signaturesChecked = key != nil
        var trusted: [(line: Int, anchor: AuditAnchor)] = []
        var signedSeen = false
        for line in log.lines {
            guard let anchor = line.anchor else {
                report.problems.append("\(log.path):\(line.number): not an anchor line (changed, or written by something else)")
                continue
            }
            if let key {
                if anchor.hmac != nil {
                    guard anchor.isSigned(with: key) else {
                        report.problems.append("\(log.path):\(line.number): the anchor's signature does not verify: the line was forged or changed (or signed with another key)")
                        continue
                    }
                    signedSeen = true
                } else if signedSeen {
                    report.problems.append("\(log.path):\(line.number): an unsigned anchor after signed ones: it was written without the key (forged)")
                    continue
                }
            }
            trusted.append((line.number, anchor))
        }
        if key == nil, log.lines.contains(where: { $0.anchor?.hmac != nil }) {
            report.notes.append(keyConfigured
                ? "anchor signatures not checked: the anchor key's environment variable is not set here"
                : "anchor signatures not checked: no [audit] anchor_key is configured")
        }
        if let newest = trusted.last, newest.anchor.store != store {
            report.problems.append(
                "the newest anchor (\(log.path):\(newest.line), \(newest.anchor.at)) is of store \(newest.anchor.store), but this workspace's store is \(store): "
                    + "the store was replaced without --new-store"
            )
        }
        let mine = trusted.map(\.anchor).filter { $0.store == store }
        report.checked = mine.count
        report.newest = mine.last
        let hashes = Dictionary(records.map { ($0.seq, $0.hash) }, uniquingKeysWith: { first, _ in first })
        let reached = records.map(\.seq).max() ?? 0
        if let furthest = mine.filter({ $0.seq > reached }).max(by: { $0.seq < $1.seq }) {
            report.problems.append("records after seq \(reached) were removed: the anchor of \(furthest.at) says the chain reached seq \(furthest.seq)")
        }
        if let differing = mine.filter({ $0.seq <= reached && $0.seq > 0 && hashes[$0.seq] != $0.hash }).min(by: { $0.seq < $1.seq }) {
            let found = hashes[differing.seq].map { "it hashes to \($0.prefix(12))…" } ?? "it is missing"
            report.problems.append(
                "record \(differing.seq) is not the record anchored at \(differing.at): \(found), the anchor says \(differing.hash.prefix(12))…"
            )
        }
        if let lastWritten, lastWritten.store == store {
            if !log.exists {
                report.problems.append("the anchor log \(log.path) is missing, but this store wrote anchors to it (the last at \(lastWritten.at), seq \(lastWritten.seq))")
            } else if !mine.contains(where: { $0.content == lastWritten.content }) {
                report.problems.append("the anchor log \(log.path) was cut: the last anchor this store wrote (seq \(lastWritten.seq) at \(lastWritten.at)) is not in it")
            }
        }
        return report
    }
}
