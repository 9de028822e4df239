import Foundation
import NightshiftCore
import NightshiftTesting
import Testing
@testable import NightshiftSales

/// The stored record is written directly for speed; it must be exactly the canonical JSON of the
/// prospect's members (merges compare stored texts), and read back to the same prospect.
@Suite("Prospect records")
struct ProspectRecordTests {
    @Test("the directly written record equals the canonical JSON of its members, for 2,000 random prospects, and reads back the same")
    func storedMatchesCanonical() throws {
        var random = SeededGenerator(seed: 0x5a1e5)
        let pieces = ["Ana", "Zoë", "Müller", "\"quoted\"", "back\\slash", "tab\there", "line\nbreak", "\u{01}", "emoji 🚀", "", "a,b;c", "日本"]
        func text() -> String? {
            random.next() % 4 == 0 ? nil : (0..<Int(random.next() % 3 + 1)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined(separator: " ")
        }
        func date() -> Date? { random.next() % 3 == 0 ? nil : Date(timeIntervalSince1970: Double(random.next() % 2_000_000_000_000) / 1000) }
        for index in 0..<2_000 {
            let prospect = Prospect(
                id: "p_\(index)", tenant: index % 5 == 0 ? "acme" : "", name: text(), firstName: text(), lastName: text(),
                emails: (0..<Int(random.next() % 3)).map { "a\($0)@x.example" }, company: text(), domain: text(), title: text(), phone: text(),
                source: text(), externalIDs: (0..<Int(random.next() % 3)).map { "crm:\($0)" }, state: ProspectState.allCases[Int(random.next() % 6)],
                stateReason: text(), bucketMonth: random.next() % 2 == 0 ? "2027-03" : nil,
                score: [0, 12.5, -3, 1e20, 0.1 + 0.2, 45][Int(random.next() % 6)],
                scoreParts: random.next() % 2 == 0 ? [] : [ScorePart("has \"title\"", 10), ScorePart("flag stale", -2.25)],
                flags: Set(ProspectFlag.allCases.filter { _ in random.next() % 2 == 0 }),
                custom: random.next() % 2 == 0 ? [:] : ["linkedin": text() ?? "", "Ärger": "x", "b": "\n"],
                lastTouchAt: date(), sourcedAt: date(), changedAt: date(), bouncedAt: date(), assessedAt: date(), researchedAt: date(),
                createdAt: date() ?? Date(timeIntervalSince1970: 0), updatedAt: date()
            )
            #expect(prospect.stored == prospect.storedCanonically, "prospect \(index)")
            let back = try Prospect(stored: prospect.stored)
            #expect(back.stored == prospect.stored, "prospect \(index) reads back")
        }
    }
}
