import NightshiftMail
import Testing

/// ``ReplyText`` keeps the reply's own words and cuts what mail programs quote below it and the
/// signature, in each language and in the shapes Gmail, Outlook, Apple Mail and Thunderbird write.
@Suite("Reply text")
struct ReplyTextTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var body: String
        var signature: String = ""
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "English Gmail attribution and > quote",
            text: "Sounds good, call me.\n\nOn Mon, Dec 1, 2025 at 9:30 AM Mara <mara@x.example> wrote:\n> If you're not interested, reply.\n",
            body: "Sounds good, call me."),
        Case(
            name: "German Gmail attribution wrapped over two lines",
            text: "Gerne, rufen Sie an.\n\nAm Mo., 1. Dez. 2025 um 09:30 Uhr schrieb Mara <\nmara@x.example>:\n\n> Falls kein Interesse besteht …",
            body: "Gerne, rufen Sie an."),
        Case(
            name: "French Gmail attribution wrapped, a space before the colon",
            text: "Oui, volontiers.\n\nLe lun. 1 déc. 2025 à 09:30, Mara <mara@x.example> a\nécrit :\n> Si le sujet ne vous intéresse pas…",
            body: "Oui, volontiers."),
        Case(
            name: "Spanish attribution",
            text: "Sí, me interesa.\n\nEl lun, 1 dic 2025 a las 9:30, Mara (<mara@x.example>) escribió:\n> Si no le interesa…",
            body: "Sí, me interesa."),
        Case(
            name: "Thunderbird German attribution with the name last",
            text: "Passt.\n\nAm 01.12.25 um 09:30 schrieb Mara Lindqvist:\n> Hallo", body: "Passt."),
        Case(
            name: "Outlook English header block without > (the original unquoted below)",
            text:
                """
                Not for us.

                ________________________________
                From: Mara <mara@x.example>
                Sent: Monday, December 1, 2025 9:30 AM
                To: Ann
                Subject: Offer

                If you're not interested, reply.
                """,
            body: "Not for us."),
        Case(
            name: "Outlook German block after Ursprüngliche Nachricht",
            text:
                """
                Kein Interesse.

                -----Ursprüngliche Nachricht-----
                Von: Mara <mara@x.example>
                Gesendet: Montag, 1. Dezember 2025 09:30
                An: Ann
                Betreff: Angebot

                Hätten Sie Interesse?
                """,
            body: "Kein Interesse."),
        Case(
            name: "Outlook French block with spaces before the colons",
            text: "Pas pour nous.\n\nDe : Mara <mara@x.example>\nEnvoyé : lundi 1 décembre 2025 09:30\nÀ : Ann\nObjet : Offre\n\nIntéressé ?",
            body: "Pas pour nous."),
        Case(
            name: "Outlook Spanish block",
            text:
                """
                No, gracias.

                De: Mara <mara@x.example>
                Enviado el: lunes, 1 de diciembre de 2025 9:30
                Para: Ann
                Asunto: Oferta

                ¿Le interesa?
                """,
            body: "No, gracias."),
        Case(
            name: "Outlook block flattened onto one line",
            text: "Thanks, interested.\n\nFrom: Mara <mara@x.example> Sent: Monday, December 1, 2025 To: Ann Subject: Offer\nNot interested?",
            body: "Thanks, interested."),
        Case(
            name: "Original Message separator",
            text: "Please remove me.\n\n-----Original Message-----\nFrom: Mara\nHello", body: "Please remove me."),
        Case(
            name: "Gmail forwarded marker",
            text: "See below, talk to Jo.\n\n---------- Forwarded message ---------\nFrom: Mara <mara@x.example>\nNot interested?",
            body: "See below, talk to Jo."),
        Case(
            name: "bottom posting: the answer below the quote is kept",
            text: "On Mon, Dec 1, 2025 at 9:30 AM Mara <mara@x.example> wrote:\n> Would a call work?\n\nYes, Thursday works.\n",
            body: "Yes, Thursday works."),
        Case(
            name: "interleaved answers between quoted lines",
            text: "> Would a call work?\nYes.\n> Which day?\nThursday.", body: "Yes.\nThursday."),
        Case(
            name: "-- delimiter",
            text: "Count me in.\n\n-- \nAnn Example\nCFO, Example Inc.", body: "Count me in.", signature: "--\nAnn Example\nCFO, Example Inc."),
        Case(
            name: "Sent from my iPhone", text: "Remove me.\n\nSent from my iPhone", body: "Remove me.", signature: "Sent from my iPhone"),
        Case(
            name: "Von meinem iPhone gesendet", text: "Bitte austragen.\n\nVon meinem iPhone gesendet", body: "Bitte austragen.",
            signature: "Von meinem iPhone gesendet"),
        Case(
            name: "Envoyé de mon iPhone", text: "Bien reçu.\n\nEnvoyé de mon iPhone", body: "Bien reçu.", signature: "Envoyé de mon iPhone"),
        Case(
            name: "Enviado desde mi iPhone", text: "Recibido.\n\nEnviado desde mi iPhone", body: "Recibido.",
            signature: "Enviado desde mi iPhone"),
        Case(
            name: "English closing block", text: "Let's talk next week.\n\nBest regards,\nAnn Example\nHead of Finance\nExample Inc.",
            body: "Let's talk next week.", signature: "Best regards,\nAnn Example\nHead of Finance\nExample Inc."),
        Case(
            name: "German closing block", text: "Kein Bedarf.\n\nMit freundlichen Grüßen\nAnna Beispiel\nBeispiel GmbH",
            body: "Kein Bedarf.", signature: "Mit freundlichen Grüßen\nAnna Beispiel\nBeispiel GmbH"),
        Case(
            name: "French closing block", text: "Pas intéressé.\n\nCordialement,\nAnne Exemple", body: "Pas intéressé.",
            signature: "Cordialement,\nAnne Exemple"),
        Case(
            name: "Spanish closing block with the name on the same line", text: "No nos interesa.\n\nSaludos, Ana Ejemplo",
            body: "No nos interesa.", signature: "Saludos, Ana Ejemplo"),
        Case(
            name: "a reply that starts with a closing word is not cut there",
            text: "Thanks, but we are not interested.\n\nAnn", body: "Thanks, but we are not interested.\n\nAnn"),
        Case(
            name: "'Gracias, pero …' is a sentence, not a closing", text: "Gracias, pero no nos interesa.", body: "Gracias, pero no nos interesa."),
        Case(
            name: "a closing followed by questions is not a signature",
            text: "Thanks!\nCan we meet on Tuesday?\nOr would Wednesday suit you better?",
            body: "Thanks!\nCan we meet on Tuesday?\nOr would Wednesday suit you better?"),
    ]

    @Test("quoted mail and signatures are cut", arguments: cases)
    func strips(_ example: Case) {
        let reply = ReplyText(example.text)
        #expect(reply.body == example.body)
        #expect(reply.signature == example.signature)
    }

    @Test("the quoted part is kept apart, not lost")
    func quotedIsKept() {
        let reply = ReplyText("Yes.\n\nOn Mon, Dec 1, 2025 at 9:30 AM Mara <m@x.example> wrote:\n> Would a call work?")
        #expect(reply.quoted.contains("> Would a call work?"))
        #expect(reply.quoted.contains("wrote:"))
    }

    @Test("CRLF and CR line breaks read like LF")
    func lineBreaks() {
        #expect(ReplyText("Yes.\r\n\r\n> quoted\r\n").body == "Yes.")
        #expect(ReplyText("Yes.\r\rSent from my iPhone").body == "Yes.")
    }

    @Test("a text that is all quote has an empty body")
    func allQuote() {
        #expect(ReplyText("> a\n> b\n").body.isEmpty)
        #expect(ReplyText("-----Original Message-----\nFrom: x\nhello").body.isEmpty)
    }
}
