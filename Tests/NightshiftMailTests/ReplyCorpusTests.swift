import Foundation
import NightshiftMail
import Testing

/// The labelled replies under `Resources/replies/<class>/<nn>-<lang>-<what>.eml`, written before
/// the rules were tuned: every file is classified, the confusion table printed, and precision per
/// class and overall accuracy asserted; then what the monitor acts on is checked file by file
/// (bounce recipients and statuses, complaint reports, return dates, referrals, unsubscribes).
@Suite("Reply corpus")
struct ReplyCorpusTests {
    struct Sample {
        var file: String
        var label: ReplyClass
        var language: String
        var result: ReplyClassification
    }

    static let samples: [Sample] = {
        guard let folder = Bundle.module.url(forResource: "replies", withExtension: nil) else { return [] }
        let classifier = RuleReplyClassifier()
        var samples: [Sample] = []
        for label in ReplyClass.allCases {
            let directory = folder.appendingPathComponent(label.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".eml") {
                guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(name).path) else { continue }
                let message = MailMessage(data: data)
                let reference = message.date ?? Date(timeIntervalSince1970: 1_764_547_200)
                let language = String(name.split(separator: "-")[1])
                samples.append(
                    Sample(
                        file: "\(label.rawValue)/\(name)", label: label, language: language,
                        result: classifier.classification(of: message, reference: reference)))
            }
        }
        return samples
    }()

    static func sample(_ file: String) throws -> Sample {
        try #require(samples.first { $0.file == file }, "no corpus file \(file)")
    }

    @Test("the corpus has at least 70 replies, every class, and 8 or more per language")
    func corpusShape() {
        let samples = Self.samples
        #expect(samples.count >= 70)
        for label in ReplyClass.allCases { #expect(samples.contains { $0.label == label }, "no \(label) reply") }
        for language in ["en", "de", "fr", "es"] {
            #expect(samples.filter { $0.language == language }.count >= 8, "fewer than 8 replies in \(language)")
        }
    }

    @Test("precision ≥ 0.9 per class with 3 or more examples, accuracy ≥ 0.9")
    func precisionAndAccuracy() {
        let samples = Self.samples
        let classes = ReplyClass.allCases
        var table: [ReplyClass: [ReplyClass: Int]] = [:]
        for sample in samples { table[sample.label, default: [:]][sample.result.replyClass, default: 0] += 1 }
        print(Self.confusionTable(table, classes: classes, total: samples.count))
        for sample in samples {
            let mark = sample.result.replyClass == sample.label ? "ok  " : "MISS"
            print("\(mark) \(sample.file): \(sample.result.replyClass) [\(sample.result.signals.map(\.description).joined(separator: "; "))]")
        }
        let correct = samples.filter { $0.result.replyClass == $0.label }.count
        let accuracy = Double(correct) / Double(max(1, samples.count))
        #expect(accuracy >= 0.9, "accuracy \(accuracy)")
        for label in classes {
            let examples = samples.filter { $0.label == label }.count
            guard examples >= 3 else { continue }
            let predicted = samples.filter { $0.result.replyClass == label }
            let precision = predicted.isEmpty ? 0 : Double(predicted.filter { $0.label == label }.count) / Double(predicted.count)
            #expect(precision >= 0.9, "precision of \(label): \(precision)")
        }
    }

    static func confusionTable(_ table: [ReplyClass: [ReplyClass: Int]], classes: [ReplyClass], total: Int) -> String {
        func cell(_ text: String) -> String { String(repeating: " ", count: max(0, 15 - text.count)) + text }
        var lines = [
            "actual \\ predicted".padding(toLength: 18, withPad: " ", startingAt: 0) + classes.map { cell($0.rawValue) }.joined() + cell("recall")
        ]
        for actual in classes {
            let row = table[actual] ?? [:]
            let count = row.values.reduce(0, +)
            let recall = count == 0 ? "-" : String(format: "%.2f", Double(row[actual] ?? 0) / Double(count))
            lines.append(
                actual.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0) + classes.map { cell("\(row[$0] ?? 0)") }.joined() + cell(recall))
        }
        var precisions = "precision".padding(toLength: 18, withPad: " ", startingAt: 0)
        for predicted in classes {
            let column = classes.map { table[$0]?[predicted] ?? 0 }.reduce(0, +)
            precisions += cell(column == 0 ? "-" : String(format: "%.2f", Double(table[predicted]?[predicted] ?? 0) / Double(column)))
        }
        lines.append(precisions)
        lines.append("\(total) replies")
        return lines.joined(separator: "\n")
    }

    // MARK: What the monitor acts on

    /// Each DSN and failure notice: the recipients with action and status, and the id of the mail it returns.
    static let bounces: [(file: String, recipients: [(String, String, String)], id: String)] = [
        ("01-en-postfix-user-unknown", [("jdoe@northwind-traders.com", "failed", "5.1.1")], "20251202101400.5c1d@brightloop.io"),
        ("02-en-postfix-mailbox-full-delayed", [("a.reyes@coastline-marine.com", "delayed", "4.2.2")], "20251203100200.a41e@brightloop.io"),
        ("03-en-exchange-online-recipient-not-found", [("p.hughes@contoso-retail.com", "failed", "5.1.10")], "20251204083100.c0ff@brightloop.io"),
        ("04-en-gmail-address-not-found", [("m.osei@gmail.com", "failed", "5.1.1")], "20251205154500.2b9c@brightloop.io"),
        (
            "05-en-sendmail-one-failed-one-delayed",
            [("g.lindgren@summit-partners.com", "failed", "5.1.1"), ("h.abara@summit-partners.com", "delayed", "4.2.2")],
            "20251208101840.77aa@brightloop.io"
        ),
        ("06-de-exchange-unzustellbar", [("m.keller@mueller-maschinenbau.de", "failed", "5.1.1")], "20251209100200.d00d@brightloop.io"),
        ("07-de-provider-unzustellbar-plain", [("t.hoffmann@kanzlei-hoffmann.de", "failed", "5.1.1")], "20251210081500.e11a@brightloop.io"),
        ("08-fr-retarde-boite-pleine", [("c.lefevre@lumiere-distribution.fr", "delayed", "4.2.2")], "20251211113800.f00b@brightloop.io"),
        ("09-fr-postmaster-echec-plain", [("a.roux@cabinet-roux.fr", "failed", "5.1.1")], "20251212091000.0a1b@brightloop.io"),
        ("10-es-exchange-no-se-puede-entregar", [("l.garcia@grupo-almendro.es", "failed", "5.1.1")], "20251215110500.1b2c@brightloop.io"),
        ("11-en-global-delivery-status-utf8", [("jürgen@müller-bau.de", "failed", "5.1.1")], "20251216090030.3c4d@brightloop.io"),
        ("12-en-qmail-failure-notice", [("k.okafor@harborview-ventures.com", "failed", "5.1.1")], "20251217132200.5e6f@brightloop.io"),
        ("13-es-mensaje-no-entregado-plain", [("c.navarro@bodegas-sierra.es", "delayed", "4.2.2")], "20251218100000.6a7b@brightloop.io"),
    ]

    @Test("every bounce: its recipients, their action and status, hard or soft, and the returned message's id")
    func bounceRecipients() throws {
        #expect(Self.bounces.count == Self.samples.filter { $0.label == .bounce }.count, "a bounce file without expectations")
        for expected in Self.bounces {
            let result = try Self.sample("bounce/\(expected.file).eml").result
            let got = result.bounces.map { ($0.address, $0.action, $0.status) }
            #expect(got.map { "\($0.0) \($0.1) \($0.2)" } == expected.recipients.map { "\($0.0) \($0.1) \($0.2)" }, "\(expected.file)")
            for recipient in result.bounces {
                #expect(recipient.isHard == (recipient.action == "failed"), "\(expected.file)")
                #expect(recipient.isSoft == (recipient.action == "delayed"), "\(expected.file)")
            }
            #expect(result.reportedMessageID == expected.id, "\(expected.file)")
            let heuristic = result.signals.contains { $0.text.contains("heuristically") }
            #expect(heuristic == expected.file.hasSuffix("-plain") || heuristic == expected.file.contains("qmail"), "\(expected.file)")
        }
    }

    @Test("every complaint: feedback type, who complained, the reported message's id")
    func complaints() throws {
        let expected: [(String, String, String)] = [
            ("01-en-arf-abuse-full-message", "r.patel@mailhost-example.net", "20251203090000.9b1e@brightloop.io"),
            ("02-en-arf-abuse-headers-only", "d.wu@inboxly-example.com", "20251205110000.aa01@brightloop.io"),
            ("03-de-arf-beschwerde", "s.vogel@mailbox-example.de", "20251206080000.bb02@brightloop.io"),
            ("04-fr-arf-signalement", "m.bernard@courrier-example.fr", "20251209120000.cc03@brightloop.io"),
        ]
        for (file, recipient, id) in expected {
            let result = try Self.sample("complaint/\(file).eml").result
            #expect(result.complaint?.feedbackType == "abuse", "\(file)")
            #expect(result.complaint?.isAbuse == true, "\(file)")
            #expect(result.complaint?.originalRecipient == recipient, "\(file)")
            #expect(result.reportedMessageID == id, "\(file)")
        }
    }

    @Test("every out-of-office reply: the return date its text gives (none for one that gives none)")
    func returnDates() throws {
        let expected: [(String, String?)] = [
            ("01-en-exchange-automatic-reply", "2025-12-15"), ("02-en-gmail-vacation-responder", "2026-01-05"),
            ("03-en-x-autoreply-precedence-bulk", "2025-12-08"), ("04-en-text-only-no-headers", "2025-12-05"),
            ("05-en-annual-leave-iso-date", "2026-01-07"), ("06-de-abwesenheitsnotiz-exchange", "2025-12-22"),
            ("07-de-urlaub-latin1-qp", "2025-12-15"), ("08-de-x-autorespond-nicht-im-haus", "2026-01-08"),
            ("09-de-html-only-bis-montag", "2025-12-08"), ("10-fr-reponse-automatique", "2025-12-15"),
            ("11-fr-conges-precedence-auto-reply", "2026-01-02"), ("12-fr-absente-base64", "2026-01-05"),
            ("13-es-respuesta-automatica", "2026-01-08"), ("14-es-vacaciones-latin1-x-autoreply", "2025-12-15"),
            ("15-es-null-return-path", "2025-12-12"), ("16-en-left-company-autoreply", nil), ("17-de-nicht-mehr-im-unternehmen", nil),
        ]
        #expect(expected.count == Self.samples.filter { $0.label == .ooo }.count, "an ooo file without expectations")
        for (file, date) in expected {
            let result = try Self.sample("ooo/\(file).eml").result
            #expect(result.returnDate?.description == date, "\(file)")
        }
    }

    @Test("every referral names the person to propose; absence notices name the stand-in; role mailboxes are not people")
    func referrals() throws {
        let expected: [(String, String, String)] = [
            ("referral/01-en-not-right-person", "sarah.kim@acme-logistics.com", "Sarah Kim"),
            ("referral/02-en-cc-colleague", "david.chen@northwind-traders.com", "David Chen"),
            ("referral/03-en-outlook-reach-out-to", "priya.nair@blueharbor-health.com", "Priya Nair"),
            ("referral/04-en-html-only-speak-with", "james.oconnor@granite-peak.com", "James O'Connor"),
            ("referral/05-de-wenden-sie-sich-an", "anna.schmidt@mueller-maschinenbau.de", "Anna Schmidt"),
            ("referral/06-de-kollege-in-kopie", "jonas.weber@hansen-logistik.de", "Jonas Weber"),
            ("referral/07-de-latin1-kontaktieren-sie", "k.baecker@stadtwerke-norden.de", "Klaus Bäcker"),
            ("referral/08-fr-contactez-plutot", "julien.moreau@lumiere-distribution.fr", "Julien Moreau"),
            ("referral/09-fr-collegue-en-copie", "claire.dubois@atelier-garnier.fr", "Claire Dubois"),
            ("referral/10-es-pongase-en-contacto", "lucia.fernandez@transportes-iberia.es", "Lucía Fernández"),
            ("referral/11-es-en-copia", "javier.ruiz@grupo-almendro.es", "Javier Ruiz"),
            ("referral/12-en-successor-human", "dana.whitfield@crestline-homes.com", "Dana Whitfield"),
            ("ooo/01-en-exchange-automatic-reply", "tom.baker@cascadia-foods.com", "Tom Baker"),
            ("ooo/06-de-abwesenheitsnotiz-exchange", "petra.lang@hansen-logistik.de", "Petra Lang"),
            ("ooo/12-fr-absente-base64", "sophie.martin@lumiere-distribution.fr", "Sophie Martin"),
        ]
        for (file, address, name) in expected {
            let result = try Self.sample("\(file).eml").result
            #expect(result.referrals == [ReferredContact(name: name, address: address)], "\(file)")
        }
        for file in [
            "ooo/05-en-annual-leave-iso-date", "ooo/13-es-respuesta-automatica", "ooo/16-en-left-company-autoreply",
            "ooo/17-de-nicht-mehr-im-unternehmen", "interested/19-de-rufen-sie-mich-an-signatur",
        ] {
            #expect(try Self.sample("\(file).eml").result.referrals.isEmpty, "\(file)")
        }
    }

    @Test("exactly the requests to be removed set unsubscribe")
    func unsubscribes() {
        let removals: Set<String> = [
            "not_interested/02-en-unsubscribe-me.eml", "not_interested/03-en-remove-me-iphone.eml", "not_interested/05-en-stop-emailing.eml",
            "not_interested/07-de-austragen.eml", "not_interested/09-de-keine-weiteren-emails.eml",
            "not_interested/11-fr-desinscrire-base64.eml", "not_interested/14-es-darme-de-baja-latin1.eml",
        ]
        for sample in Self.samples {
            #expect(sample.result.unsubscribe == removals.contains(sample.file), "\(sample.file)")
        }
    }

    @Test("the quoted original's own \"not interested\" never reaches the classified text")
    func quotedTextIsStripped() {
        for sample in Self.samples where [.interested, .notInterested, .referral, .unknown].contains(sample.label) {
            let text = sample.result.text.lowercased()
            #expect(!text.contains("mara lindqvist"), "\(sample.file): \(sample.result.text)")
            #expect(!text.contains("brightloop"), "\(sample.file): \(sample.result.text)")
        }
    }
}
