import NightshiftMail
import Testing

/// ``MailSignature`` fills a field only when a line clearly is one.
@Suite("Reply signatures")
struct ReplySignatureTests {
    @Test("an English signature with pipes, a website and a fax number")
    func english() {
        let contact = MailSignature.contact(
            from:
                """
                Best,
                Tom Reilly
                IT Operations Manager | Acme Logistics Inc.
                Tel: +1 (312) 555-0187 | Fax: +1 (312) 555-0188
                www.acme-logistics.example
                tom.reilly@acme-logistics.example
                """,
            sender: MailAddress(name: "Tom Reilly", address: "tom.reilly@acme-logistics.example"))
        #expect(contact.name == "Tom Reilly")
        #expect(contact.title == "IT Operations Manager")
        #expect(contact.company == "Acme Logistics Inc.")
        #expect(contact.phones == ["+1 (312) 555-0187"], "the fax is not a phone")
        #expect(contact.websites == ["www.acme-logistics.example"])
        #expect(contact.emails == ["tom.reilly@acme-logistics.example"])
    }

    @Test("a German signature: Last, First display name, compound title, GmbH & Co. KG")
    func german() {
        let contact = MailSignature.contact(
            from:
                """
                Mit freundlichen Grüßen

                Markus Weber
                Vertriebsleiter
                Müller Maschinenbau GmbH & Co. KG
                Telefon: +49 711 123456-20
                Mobil: 0171 2345678
                """,
            sender: MailAddress(name: "Weber, Markus", address: "m.weber@mueller.example"))
        #expect(contact.name == "Markus Weber")
        #expect(contact.title == "Vertriebsleiter")
        #expect(contact.company == "Müller Maschinenbau GmbH & Co. KG")
        #expect(contact.phones == ["+49 711 123456-20", "0171 2345678"])
    }

    @Test("French and Spanish signatures")
    func frenchSpanish() {
        let french = MailSignature.contact(
            from: "Cordialement,\n\nAntoine Garnier\nDirecteur général\nAtelier Garnier SAS\nTél. : +33 1 42 68 53 00", sender: nil)
        #expect(french.name == "Antoine Garnier")
        #expect(french.title == "Directeur général")
        #expect(french.company == "Atelier Garnier SAS")
        #expect(french.phones == ["+33 1 42 68 53 00"])
        let spanish = MailSignature.contact(
            from: "Atentamente,\nIsabel Prieto\nDirectora Financiera\nPrieto Alimentación S.L.\nMóvil: +34 600 123 456",
            sender: MailAddress(name: "Isabel Prieto", address: "isabel@prieto.example"))
        #expect(spanish.title == "Directora Financiera")
        #expect(spanish.company == "Prieto Alimentación S.L.")
        #expect(spanish.phones == ["+34 600 123 456"])
    }

    @Test("nothing is guessed: no legal form, no company; no title word, no title; an order number is no phone")
    func conservative() {
        let contact = MailSignature.contact(
            from: "Robert Hale\nHale & Sons Hardware\nOrder 2025-1187\nOpen Monday to Friday",
            sender: MailAddress(name: "Bob", address: "bob@hale.example"))
        #expect(contact.company == nil)
        #expect(contact.title == nil)
        #expect(contact.phones.isEmpty)
        #expect(contact.name == nil, "the display name 'Bob' is on no line")
        #expect(MailSignature.contact(from: "", sender: nil).isEmpty)
        #expect(MailSignature.contact(from: "Sent from my iPhone", sender: nil).isEmpty)
    }
}
