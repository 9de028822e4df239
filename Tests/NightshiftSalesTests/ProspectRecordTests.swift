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
                repliedAt: date(), pausedUntil: date(),
                createdAt: date() ?? Date(timeIntervalSince1970: 0), updatedAt: date()
            )
            #expect(prospect.stored == prospect.storedCanonically, "prospect \(index)")
            let back = try Prospect(stored: prospect.stored)
            #expect(back.stored == prospect.stored, "prospect \(index) reads back")
        }
    }

    @Test("the record reader takes members in any order, with spaces, escapes and members it does not know")
    func readerTakesAnyJSONOfTheRecord() throws {
        let text = #"""
            { "updated_at" : 2000, "extra": {"nested": [1, true, null, {"x": "\u0041"}], "n": -1.5e3},
              "state": "parked", "tenant": "", "id": "p_1", "created_at": 1000,
              "name": "Jos\u00e9 \ud83d\ude80 \"Q\" \\ \/ \t", "emails": ["a@x.example"], "score": 12.5,
              "score_parts": [{"points": 10, "label": "title", "more": []}], "flags": ["stale", "unknown-flag"],
              "custom": {"b": "\n"}, "bucket_month": null, "last_touch_at": -5 }
            """#
        let prospect = try Prospect(stored: text)
        #expect(prospect.id == "p_1" && prospect.state == .parked && prospect.tenant == "")
        #expect(prospect.name == "José 🚀 \"Q\" \\ / \t")
        #expect(prospect.emails == ["a@x.example"] && prospect.score == 12.5 && prospect.scoreParts == [ScorePart("title", 10)])
        #expect(prospect.flags == [.stale] && prospect.custom == ["b": "\n"] && prospect.bucketMonth == nil)
        #expect(prospect.createdAt == StoredTime.date(1000) && prospect.updatedAt == StoredTime.date(2000) && prospect.lastTouchAt == StoredTime.date(-5))
    }

    @Test("a record that is not JSON, or has a member of the wrong type, is refused naming the member; every cut of a record is refused, none crashes")
    func readerRefusesBadRecords() throws {
        let good = Prospect(id: "p_1", name: "Zoë \"x\"", emails: ["a@x.example"], scoreParts: [ScorePart("t", 1)], custom: ["k": "v"], createdAt: Date(timeIntervalSince1970: 5)).stored
        let cases: [(String, String)] = [
            ("", "does not start"),
            ("[]", "does not start"),
            (good.replacingOccurrences(of: "\"score\":0", with: "\"score\":\"high\""), "\"score\" is not a number"),
            (good.replacingOccurrences(of: "\"created_at\":5000", with: "\"created_at\":5.5"), "\"created_at\" is not a whole number"),
            (good.replacingOccurrences(of: "\"created_at\":5000", with: "\"created_at\":99999999999999999999"), "\"created_at\" is too large"),
            (good.replacingOccurrences(of: "[\"a@x.example\"]", with: "[1]"), "\"emails\" holds something other than strings"),
            (good.replacingOccurrences(of: "\"state\":\"unengaged\"", with: "\"state\":\"gone\""), "unknown state \"gone\""),
            (good.replacingOccurrences(of: "\"id\":\"p_1\",", with: ""), "lacks id"),
            (good.replacingOccurrences(of: "\"id\":\"p_1\"", with: "\"id\":\"p\\q\""), "unknown escape"),
            (good.replacingOccurrences(of: "\"id\":\"p_1\"", with: "\"id\":\"\\ud800\""), "lone surrogate"),
            (good + " x", "text after the record"),
            (String(repeating: "[", count: 70), "does not start"),
            (good.replacingOccurrences(of: "{", with: "{\"deep\":" + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + ",", options: .anchored), "nested too deep"),
        ]
        for (text, expected) in cases {
            #expect(throws: StoredProspectError.self, "\(expected)") { try Prospect(stored: text) }
            do { _ = try Prospect(stored: text) } catch { #expect("\(error)".contains(expected), "\(error) should say \(expected)") }
        }
        let bytes = Array(good.utf8)
        for cut in 0..<bytes.count {
            #expect(throws: StoredProspectError.self, "cut at \(cut)") { try Prospect(stored: String(decoding: bytes[..<cut], as: UTF8.self)) }
        }
        // Random changes of single bytes: read or refused, never a crash.
        var random = SeededGenerator(seed: 0xbad)
        let alphabet = Array("{}[]\":,\\u0123456789.-eEtrufalsn \n\u{1}\"x".utf8)
        for _ in 0..<5_000 {
            var mutated = bytes
            for _ in 0..<Int(random.next() % 3 + 1) {
                mutated[Int(random.next() % UInt64(mutated.count))] = alphabet[Int(random.next() % UInt64(alphabet.count))]
            }
            _ = try? Prospect(stored: String(decoding: mutated, as: UTF8.self))
        }
    }

    @Test("an activity written member by member equals the canonical JSON of its members and reads back the same")
    func activityStoredMatchesCanonical() throws {
        let pieces = ["", "plain", "\"quoted\"", "tab\there", "Zoë 🚀", "\u{01}", "back\\slash"]
        let datas: [JSONValue] = [.null, .object([:]), .object(["b": .integer(2), "a": .array([.string("x"), .number(1.5)])]), .string("\n")]
        var index = 0
        for actor in pieces {
            for summary in pieces {
                for data in datas {
                    index += 1
                    let activity = ProspectActivity(
                        id: "a_\(index)", tenant: index % 2 == 0 ? "" : "acme", prospectID: "p_\(actor)", at: Date(timeIntervalSince1970: Double(index) * 1.5),
                        kind: .state, actor: actor, summary: summary, data: data
                    )
                    #expect(activity.stored == activity.storedCanonically, "activity \(index)")
                    #expect(try ProspectActivity(stored: activity.stored).stored == activity.stored)
                }
            }
        }
    }

    @Test("trimming without Foundation trims exactly what trimmingCharacters(in: .whitespaces) and (in: .whitespacesAndNewlines) trim")
    func trimmingMatchesFoundation() {
        var random = SeededGenerator(seed: 0x7e1)
        let alphabet: [Character] = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{2029}", "\u{3000}", "\u{200B}",
                                     "\u{FEFF}", "\u{2003}", "a", "Z", "é", "🚀", "\u{0301}", "-", "."]
        for _ in 0..<20_000 {
            let text = String((0..<Int(random.next() % 8)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            #expect(text.trimmed() == text.trimmingCharacters(in: .whitespaces), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            #expect(text.trimmed(newlines: true) == text.trimmingCharacters(in: .whitespacesAndNewlines), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    /// The reading by Characters that `EmailAddress.normalised` replaced, kept as the reference.
    static func normalisedByCharacters(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1].lowercased()
        guard !local.isEmpty, local.utf8.count <= 64, local.allSatisfy({ $0.isASCII && $0.asciiValue.map { $0 > 32 && $0 < 127 } == true }),
              !local.contains("\""), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= 253, labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }), labels.last?.allSatisfy(\.isLetter) == true else { return nil }
        return "\(local)@\(domain)"
    }

    @Test("addresses read byte by byte are accepted, refused and lower-cased exactly as the reading by Characters did, over 50,000 random texts")
    func normalisedMatchesTheCharacterReading() {
        var random = SeededGenerator(seed: 0xe4a1)
        let pieces = ["a", "Z", "0", "9", ".", "..", "-", "@", "@@", "\"", " ", "\t", "\r\n", "é", "É", "🚀", "+", "_", "com", "COM", "gmail", "x1",
                      "\u{A0}", "\u{200B}", "\u{7F}", "\u{1F}", String(repeating: "a", count: 63), String(repeating: "b", count: 64)]
        let samples = ["Ada@Example.COM", " ada@example.com\t", "a.b@c.d", "a..b@c.d", ".a@b.cd", "a@b", "a@-b.com", "a@b-.com", "a@b.c0m",
                       "a\"b@c.de", "a b@c.de", "a@b@c.de", "a@xn--bcher-kva.example", "a@B.EXAMPLE", "@b.cd", "a@.cd", "a@b..cd"]
        for sample in samples { #expect(EmailAddress.normalised(sample) == Self.normalisedByCharacters(sample), "\(sample)") }
        for _ in 0..<50_000 {
            let text = (0..<Int(random.next() % 9 + 1)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
            #expect(EmailAddress.normalised(text) == Self.normalisedByCharacters(text), "\(text.debugDescription)")
            // And one shaped as an address, most of them valid.
            func part() -> String { (0..<Int(random.next() % 3 + 1)).map { _ in pieces[Int(random.next() % 12)] }.joined() }
            let shaped = "\(part())@\(part()).\(["com", "DE", "example", "c0m", "x"][Int(random.next() % 5)])"
            #expect(EmailAddress.normalised(shaped) == Self.normalisedByCharacters(shaped), "\(shaped.debugDescription)")
        }
    }
}
