extension ReplyPhrases {
    /// The French defaults.
    static let french: [Category: [String]] = [
        .interested: [
            "intéressé", "intéressée", "intéressés", "intéressées", "m'intéresse", "nous intéresse", "intéressant", "intéressante",
            "volontiers", "avec plaisir", "en savoir plus", "plus d'informations", "plus d'infos", "une documentation", "une démo",
            "un appel", "un rendez-vous", "prendre rendez-vous", "un échange", "échanger", "discutons", "appelez-moi",
            "je suis preneur", "pourquoi pas", "dites-m'en plus", "vous convient", "êtes-vous disponible", "seriez-vous disponible",
            "comment ça marche", "comment cela fonctionne",
        ],
        .notInterested: [
            "pas intéressé", "pas intéressée", "pas intéressés", "pas intéressées", "ne nous intéresse pas", "ne m'intéresse pas",
            "pas d'intérêt", "aucun intérêt", "non merci", "merci non", "pas pour nous", "pas pour le moment", "pas le moment",
            "pas de besoin", "aucun besoin", "pas besoin", "déjà un prestataire", "déjà une solution", "déjà équipés",
            "ne donnerons pas suite", "pas donner suite", "trop cher",
        ],
        .unsubscribe: [
            "désinscrire", "désinscription", "désabonner", "désabonnement", "me retirer", "retirez-moi", "retirer de votre liste",
            "supprimer mon adresse", "supprimez mon adresse", "ne plus me contacter", "ne me contactez plus", "ne plus recevoir",
            "cessez de m'écrire", "arrêtez de m'envoyer", "plus de mails",
        ],
        .ooo: [
            "absent du bureau", "absente du bureau", "absent", "absente", "absence", "en congés", "congés", "en vacances",
            "de retour", "je serai de retour", "hors du bureau", "accès limité", "congé maternité", "congé parental",
            "ne fais plus partie", "a quitté", "réponse automatique",
        ],
        .referral: [
            "contactez", "contacter", "veuillez contacter", "merci de contacter", "la bonne personne", "le bon interlocuteur",
            "la bonne interlocutrice", "en copie", "mets en copie", "en cc", "ma collègue", "mon collègue", "s'adresser à",
            "adressez-vous", "en charge de", "responsable de", "qui gère", "transmis", "successeur", "remplaçant", "remplaçante",
            "a repris",
        ],
    ]
}
