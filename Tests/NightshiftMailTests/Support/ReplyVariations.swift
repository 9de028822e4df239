/// Reply texts made from lines that sit on the edges of ``ReplyText``'s rules (attributions,
/// separators, header blocks, quotes, signatures, closings) mixed with phrases, dates, addresses
/// and awkward Unicode, so a change to how the text is read has many chances to show.
enum ReplyVariations {
    static let lines: [String] = [
        // Own text, phrases of every class and language.
        "Not interested, thanks.", "We'd be interested in a demo next week.", "Please remove me from your list.",
        "I'm out of office until 12/14 and back on Monday.", "Please contact Sarah Kim <sarah.kim@acme.example> for this.",
        "Wir haben kein Interesse.", "Ich bin bis zum 5. Januar nicht im Büro.", "Wenden Sie sich an Frau Anna Schmidt (anna.schmidt@firma.example).",
        "Je suis absent jusqu'au 3 février.", "Ça ne nous intéresse pas.", "Très intéressé, pouvons-nous en parler ?",
        "No me interesa, gracias.", "Estoy fuera de la oficina hasta el 7 de marzo.", "¿Podemos hablar mañana?",
        "I've cc'd my colleague David who handles this.", "Sounds interesting but the timing is not right.",
        "don't think we'd be interested", "Danke, passt gerade überhaupt nicht.", "Unsubscribe", "thanks for reaching out",
        // Attributions, whole and wrapped, and lines that only look like one.
        "On Mon, Dec 1, 2025 at 9:30 AM Bob <b@x.example> wrote:", "On Mon, Dec 1, 2025 at 9:30 AM Bob <b@x.example>", "wrote:",
        "Am 01.12.25 um 09:30 schrieb Mara Lindqvist:", "Am 01.12.2025 um 09:30 schrieb", "Mara <m@x.example>:",
        "Le lun. 1 déc. 2025 à 09:30, Bob <b@x.example> a écrit :", "El lun, 1 dic 2025 a las 9:30, Bob escribió:",
        "Il giorno lun 1 dic 2025 Bob ha scritto:", "Bob skrev:", "Here is what he wrote:", "On the other hand:", "on", "Le",
        "ON MONDAY BOB WROTE:", "On Monday Bob wrote: yes", "He said:   ", "El equipo:",
        // Separators and forwards.
        "-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:",
        "-----Ursprüngliche Nachricht-----", "*** Message d'origine ***", "Original message", "===== Mensaje original =====",
        "-- Weitergeleitete Nachricht --", "Anfang der weitergeleiteten Nachricht:", "_____ original message",
        // Header blocks (Outlook), alone or flattened onto one line.
        "From: Bob <b@x.example>", "Sent: Monday, December 1, 2025 9:30 AM", "To: Ann <ann@customer.example>", "Subject: Re: Our offer",
        "Von: Bob", "Gesendet: Montag, 1. Dezember 2025 09:30", "An: Ann", "Betreff: AW: Angebot", "De : Bob", "Envoyé : lundi 1 décembre",
        "À : Ann", "Objet : RE: offre", "De: Bob", "Enviado el: lunes, 1 de diciembre", "Para: Ann", "Asunto: RE: oferta", "Cc: Carl",
        "From: Bob Sent: Monday To: Ann Subject: offer", "Von: Bob Gesendet: Montag An: Ann", "Date: today",
        "________________________________", "__________", "Fecha: hoy",
        // Quotes.
        "> Hi Ann, would you like a demo?", "  > > nested quote", ">", "> On Mon, Bob wrote:", "\t> tabbed quote",
        // Signatures: delimiters, mobile lines, closings, contact lines.
        "-- ", "--", "—", "Sent from my iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPhone", "Enviado desde mi iPhone",
        "Get Outlook for iOS", "Sent with Proton Mail secure email.", "Gesendet mit der WEB.DE Mail App", "Sent from my",
        "Best regards,", "Best regards, Jane Doe", "Best, jane", "Mit freundlichen Grüßen", "Grüße aus Köln", "Cordialement",
        "Bien à vous,", "Saludos cordiales", "Thanks", "Thanks!", "Thanks again, what about Friday?", "Cheers, Tom O'Neil",
        "Jane Doe", "Head of Finance", "Geschäftsführerin", "Acme Logistics Inc.", "Müller GmbH | Tel: +49 30 1234567",
        "Tel: +1 (312) 555-0187", "Fax: +1 (312) 555-0188", "Mobile 0171 2345678", "www.acme.example", "https://acme.example/team",
        "jane.doe@acme.example", "Is this still open?",
        // Blank and awkward lines.
        "", "", "", "   ", "\t", "\u{A0}", "trailing spaces   ", "line with a carriage return\r", "e\u{301}te\u{301} Ünïcödé İstanbul straße",
        "👍 great", "日本語のテキスト", "ﬁne ligatures Ⅻ ½ ²", "x:", ":", "wrote", "schrieb:",
    ]

    /// A text of 1 to 40 lines from `lines`, sometimes two on one line, with LF, CRLF or CR breaks.
    static func text(using generator: inout SplitMix64) -> String {
        let count = Int.random(in: 1...40, using: &generator)
        var picked: [String] = []
        for _ in 0..<count {
            var line = generator.pick(lines)
            if generator.chance(1, in: 8) { line += " " + generator.pick(lines) }
            if generator.chance(1, in: 60) { line = String(repeating: line + " ", count: 40) }
            picked.append(line)
        }
        let breaks = ["\n", "\n", "\n", "\r\n", "\r"]
        return picked.joined(separator: generator.pick(breaks))
    }
}
