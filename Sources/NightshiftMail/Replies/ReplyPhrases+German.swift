extension ReplyPhrases {
    /// The German defaults.
    static let german: [Category: [String]] = [
        .interested: [
            "interessiert", "Interesse", "klingt interessant", "klingt gut", "interessant", "gerne", "gern", "mehr erfahren",
            "mehr Informationen", "weitere Informationen", "mehr Infos", "Unterlagen", "eine Demo", "Demo", "Termin", "telefonieren",
            "rufen Sie mich", "lassen Sie uns sprechen", "können wir sprechen", "Austausch", "Rückruf", "erzählen Sie mir mehr",
            "passt Ihnen", "passt es Ihnen", "hätten Sie Zeit", "wie funktioniert",
        ],
        .notInterested: [
            "kein Interesse", "keinen Bedarf", "kein Bedarf", "nicht interessiert", "nicht interessant", "interessiert uns nicht",
            "nein danke", "danke nein", "nicht für uns", "passt nicht", "passt derzeit nicht", "bereits einen Anbieter",
            "anderen Anbieter", "bereits versorgt", "sind versorgt", "verzichten", "nicht weiter verfolgen", "keine Verwendung",
            "absagen", "zu teuer", "passt … nicht", "interessiert … nicht", "kommt … nicht in Frage", "brauchen … nicht", "benötigen … nicht",
        ],
        .unsubscribe: [
            "abmelden", "abbestellen", "austragen", "tragen Sie mich aus", "aus Ihrem Verteiler", "aus dem Verteiler",
            "vom Verteiler", "keine weiteren E-Mails", "keine E-Mails mehr", "keine Mails mehr", "nicht mehr kontaktieren",
            "nicht mehr anschreiben", "löschen Sie meine Daten", "keine Werbung", "widerspreche",
        ],
        .ooo: [
            "nicht im Büro", "abwesend", "Abwesenheit", "Abwesenheitsnotiz", "im Urlaub", "Urlaub", "nicht erreichbar",
            "eingeschränkt erreichbar", "nicht im Haus", "außer Haus", "Elternzeit", "Mutterschutz", "wieder im Büro",
            "wieder erreichbar", "wieder für Sie da", "nicht mehr im Unternehmen", "nicht mehr bei", "automatische Antwort",
        ],
        .referral: [
            "wenden Sie sich", "kontaktieren Sie", "Ansprechpartner", "Ansprechpartnerin", "zuständig", "nicht zuständig",
            "richtige Ansprechpartner", "meine Kollegin", "meinen Kollegen", "mein Kollege", "in Kopie", "in CC", "CC gesetzt",
            "weitergeleitet", "leite Ihre", "melden Sie sich bei", "schreiben Sie an", "Nachfolger", "Nachfolgerin", "übernommen",
            "übernimmt",
        ],
    ]
}
