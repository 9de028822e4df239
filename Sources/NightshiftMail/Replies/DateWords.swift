/// The words of dates in English, German, French and Spanish, folded (see ``FoldedText``).
enum DateWords {
    static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let names: [[String]] = [
            ["january", "jan", "januar", "janner", "janvier", "janv", "enero", "ene"],
            ["february", "feb", "februar", "fevrier", "fevr", "febrero"],
            ["march", "mar", "marz", "maerz", "mrz", "mars", "marzo"],
            ["april", "apr", "avril", "avr", "abril", "abr"],
            ["may", "mai", "mayo"],
            ["june", "jun", "juni", "juin", "junio"],
            ["july", "jul", "juli", "juillet", "juil", "julio"],
            ["august", "aug", "aout", "agosto", "ago"],
            ["september", "sep", "sept", "septembre", "septiembre", "setiembre"],
            ["october", "oct", "oktober", "okt", "octobre", "octubre"],
            ["november", "nov", "novembre", "noviembre"],
            ["december", "dec", "dezember", "dez", "decembre", "diciembre", "dic"],
        ]
        for (index, words) in names.enumerated() {
            for word in words { table[word] = index + 1 }
        }
        return table
    }()

    /// ISO weekday numbers, 1 Monday … 7 Sunday.
    static let weekdays: [String: Int] = {
        var table: [String: Int] = [:]
        let names: [[String]] = [
            ["monday", "montag", "lundi", "lunes"],
            ["tuesday", "dienstag", "mardi", "martes"],
            ["wednesday", "mittwoch", "mercredi", "miercoles"],
            ["thursday", "donnerstag", "jeudi", "jueves"],
            ["friday", "freitag", "vendredi", "viernes"],
            ["saturday", "samstag", "sonnabend", "samedi", "sabado"],
            ["sunday", "sonntag", "dimanche", "domingo"],
        ]
        for (index, words) in names.enumerated() {
            for word in words { table[word] = index + 1 }
        }
        return table
    }()

    /// Words between a weekday and its date: "Monday the 15th", "lundi le 15", "den 15.".
    static let fillers: Set<String> = ["the", "den", "der", "dem", "le", "el"]
    /// Ordinal endings after a day number ("14th", "1er", "1º") and the "of"/"de" before a month.
    static let ordinals: Set<String> = ["st", "nd", "rd", "th", "er", "re", "eme", "e", "o", "a"]
    static let ordinalsAndOf: Set<String> = ordinals.union(["of", "de", "del"])
    static let tomorrow: Set<String> = ["tomorrow", "demain"]

    /// Words that put the date next to them as the day of return.
    static let returnWords: Set<String> = [
        "back", "return", "returning", "returns", "zuruck", "wieder", "retour", "reviens", "rentre", "vuelvo", "regreso", "vuelta",
        "volvere", "regresare", "reincorporo", "reincorporare",
    ]
    /// Words that make the date after them the last day away.
    static let untilWords: Set<String> = ["until", "till", "til", "through", "thru", "bis", "jusqu", "hasta"]
}
