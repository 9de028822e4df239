import Foundation
import NightshiftCore
import Testing

/// ``AuditAnchorCheck`` on chains and anchor logs built in memory: each way of tampering, and
/// what it is reported as.
@Suite("Audit anchors")
struct AuditAnchorCheckTests {
    static let key = "k3y-for-anchors"
    static let store = "store_mine"

    /// A chain of `count` records.
    static func chain(_ count: Int64, changing changed: Int64? = nil) -> [AuditRecord] {
        var previous = AuditChain.genesis
        return (1...count).map { seq in
            let entry = AuditEntry(
                kind: .decision, at: Date(timeIntervalSince1970: 1_790_000_000 + Double(seq)), actor: "cli:operator", subject: "a_\(seq)",
                data: .object(["n": .integer(seq == changed ? -seq : seq)])
            )
            let record = AuditRecord(sealing: entry, seq: seq, previousHash: previous)
            previous = record.hash
            return record
        }
    }

    static func anchor(_ records: [AuditRecord], at seq: Int64, store: String = store, key: String? = key) -> AuditAnchor {
        let anchor = AuditAnchor(seq: seq, hash: records[Int(seq) - 1].hash, at: Date(timeIntervalSince1970: 1_790_000_100 + Double(seq)), store: store, reason: "interval")
        return key.map { anchor.signed(with: $0) } ?? anchor
    }

    static func log(_ anchors: [AuditAnchor], raw: [String] = []) -> AuditAnchorLog {
        let lines = anchors.map(\.line) + raw
        return AuditAnchorLog(path: "audit-anchors.log", exists: true, lines: lines.enumerated().map { .init(number: $0.offset + 1, anchor: AuditAnchor(line: $0.element)) })
    }

    static func check(_ records: [AuditRecord], _ log: AuditAnchorLog, key: String? = key, lastWritten: AuditAnchor? = nil) -> AuditAnchorCheck.Report {
        AuditAnchorCheck.check(records, store: store, log: log, key: key, keyConfigured: true, lastWritten: lastWritten)
    }

    @Test("a line reads back as the anchor written, and its signature verifies only with the key")
    func lineRoundTrip() throws {
        let anchor = Self.anchor(Self.chain(3), at: 3)
        let read = try #require(AuditAnchor(line: anchor.line))
        #expect(read == anchor && read.isSigned(with: Self.key) && !read.isSigned(with: "another key"))
        #expect(AuditAnchor(line: "{\"seq\": \"3\"}") == nil && AuditAnchor(line: "garbage") == nil)
    }

    @Test("an intact chain agrees with every anchor")
    func intact() {
        let records = Self.chain(8)
        let report = Self.check(records, Self.log([Self.anchor(records, at: 5), Self.anchor(records, at: 8)]), lastWritten: Self.anchor(records, at: 8))
        #expect(report.ok && report.checked == 2 && report.newest?.seq == 8 && report.signaturesChecked, "\(report)")
    }

    @Test("a chain shorter than an anchor, and another hash at an anchored seq, are reported with the anchor")
    func cutAndRewritten() {
        let records = Self.chain(8)
        let log = Self.log([Self.anchor(records, at: 5), Self.anchor(records, at: 8)])
        let cut = Self.check(Array(records.prefix(6)), log)
        #expect(cut.problems == ["records after seq 6 were removed: the anchor of 2026-09-21T14:15:08+00:00 says the chain reached seq 8"], "\(cut)")
        let rewritten = Self.check(Self.chain(8, changing: 2), log)
        #expect(rewritten.problems.count == 1 && rewritten.problems[0].hasPrefix("record 5 is not the record anchored at 2026-09-21T14:15:05+00:00: it hashes to "), "\(rewritten)")
    }

    @Test("a forged line, an unsigned line after signed ones, and a line that is no anchor are reported; forged lines do not count")
    func forgedLines() {
        let records = Self.chain(8)
        let honest = Self.anchor(records, at: 8)
        let cut = Array(records.prefix(6))
        let forged = Self.anchor(cut, at: 6, key: "guessed")
        let unsigned = Self.anchor(cut, at: 6, key: nil)
        let report = Self.check(cut, Self.log([honest, forged, unsigned], raw: ["not json"]))
        #expect(report.problems.contains { $0.hasPrefix("audit-anchors.log:2: the anchor's signature does not verify") }, "\(report)")
        #expect(report.problems.contains { $0.hasPrefix("audit-anchors.log:3: an unsigned anchor after signed ones") }, "\(report)")
        #expect(report.problems.contains { $0.hasPrefix("audit-anchors.log:4: not an anchor line") }, "\(report)")
        #expect(report.problems.contains { $0.hasPrefix("records after seq 6 were removed") }, "\(report)")
        // Without the key, the lines are taken as they are, and a note says the signatures went unchecked.
        let keyless = Self.check(records, Self.log([honest]), key: nil)
        #expect(keyless.ok && !keyless.signaturesChecked && keyless.notes.count == 1, "\(keyless)")
    }

    @Test("an anchor log without the store's last anchor, or with none at all, is reported")
    func cutOrMissingLog() {
        let records = Self.chain(8)
        let last = Self.anchor(records, at: 8)
        let cut = Self.check(records, Self.log([Self.anchor(records, at: 5)]), lastWritten: last)
        #expect(cut.problems == ["the anchor log audit-anchors.log was cut: the last anchor this store wrote (seq 8 at \(last.at)) is not in it"], "\(cut)")
        let missing = Self.check(records, AuditAnchorLog(path: "audit-anchors.log", exists: false, lines: []), lastWritten: last)
        #expect(missing.problems.first?.hasPrefix("the anchor log audit-anchors.log is missing, but this store wrote anchors to it") == true, "\(missing)")
    }

    @Test("when the newest anchor is another store's, the store was swapped without --new-store")
    func anotherStore() {
        let records = Self.chain(3)
        let report = Self.check(records, Self.log([Self.anchor(records, at: 3, store: "store_theirs")]))
        #expect(report.problems.count == 1 && report.problems[0].contains("is of store store_theirs, but this workspace's store is store_mine"), "\(report)")
        #expect(report.checked == 0)
    }
}
