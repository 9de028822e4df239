public import Foundation
public import NightshiftCore

/// `[sales.scoring]`: the declarative weights the `rescore` step adds up into a prospect's score,
/// each part kept with its label so that `prospects show` and `prospects score --explain` say why.
///
/// ```toml
/// [sales.scoring]
/// fields = { title = 10, phone = 5, company = 5, domain = 5 }   # the field is filled
/// titles = { ceo = 25, founder = 25, vp = 20, director = 15 }   # a word of the title (the best one counts)
/// flags = { stale = -10, refresh = -5, bounced = -40, changed = 5 }
/// states = { engaged = 30 }
/// recent_touch = { within = "30d", points = 15 }                # touched lately
/// custom = { industry = { saas = 10, fintech = 8 } }            # custom.KEY equal to a value (any case)
/// ```
/// A key given replaces that part of the defaults whole; a key left out keeps it.
public struct ScoringRules: Sendable, Hashable {
    /// The fields whose presence earns points: `name`, `email`, `company`, `domain`, `title`, `phone`.
    public var fields: [String: Double]
    /// Title words (lower case) and their points; the best matching one counts.
    public var titles: [String: Double]
    public var flags: [ProspectFlag: Double]
    public var states: [ProspectState: Double]
    /// Points for a touch within the duration.
    public var recentTouch: (within: Duration, points: Double)?
    /// `custom.KEY` values (lower case) and their points.
    public var custom: [String: [String: Double]]

    static let fieldNames = ["name", "email", "company", "domain", "title", "phone"]

    /// The weights without a `[sales.scoring]` table.
    public static let defaults = ScoringRules(
        fields: ["title": 10, "phone": 5, "company": 5, "domain": 5],
        titles: ["ceo": 25, "founder": 25, "owner": 20, "president": 20, "vp": 20, "chief": 20, "director": 15, "head": 15, "manager": 5],
        flags: [.stale: -10, .refresh: -5, .bounced: -40, .changed: 5], states: [.engaged: 30],
        recentTouch: (.seconds(30 * 86_400), 15), custom: [:]
    )

    public init(
        fields: [String: Double], titles: [String: Double], flags: [ProspectFlag: Double], states: [ProspectState: Double],
        recentTouch: (within: Duration, points: Double)?, custom: [String: [String: Double]]
    ) {
        self.fields = fields
        self.titles = titles
        self.flags = flags
        self.states = states
        self.recentTouch = recentTouch
        self.custom = custom
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.fields == b.fields && a.titles == b.titles && a.flags == b.flags && a.states == b.states && a.custom == b.custom
            && a.recentTouch?.within == b.recentTouch?.within && a.recentTouch?.points == b.recentTouch?.points
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fields)
        hasher.combine(titles)
    }

    /// The score of `prospect` at `now` and its parts, largest first (then by label).
    public func score(_ prospect: Prospect, at now: Date) -> (score: Double, parts: [ScorePart]) {
        var parts: [ScorePart] = []
        let values: [String: String?] = [
            "name": prospect.name, "email": prospect.emails.first, "company": prospect.company, "domain": prospect.domain,
            "title": prospect.title, "phone": prospect.phone,
        ]
        for (field, points) in fields where (values[field] ?? nil).map({ !$0.isEmpty }) == true {
            parts.append(ScorePart("has \(field)", points))
        }
        if let title = prospect.title?.lowercased() {
            let words = Set(title.split { !$0.isLetter && !$0.isNumber }.map(String.init))
            if let best = titles.filter({ words.contains($0.key) }).max(by: { ($0.value, $1.key) < ($1.value, $0.key) }) {
                parts.append(ScorePart("title \"\(best.key)\"", best.value))
            }
        }
        for flag in prospect.flags.sorted() { if let points = flags[flag] { parts.append(ScorePart("flag \(flag.rawValue)", points)) } }
        if let points = states[prospect.state] { parts.append(ScorePart("state \(prospect.state.rawValue)", points)) }
        if let (within, points) = recentTouch, let touch = prospect.lastTouchAt,
           now.timeIntervalSince(touch) <= Double(within.components.seconds) {
            parts.append(ScorePart("touched within \(DurationParser.format(seconds: within.components.seconds))", points))
        }
        for (key, table) in custom {
            if let value = prospect.custom[key]?.lowercased(), let points = table[value] { parts.append(ScorePart("custom.\(key) \(value)", points)) }
        }
        parts.sort { ($0.points, $1.label) > ($1.points, $0.label) }
        return ((parts.reduce(0) { $0 + $1.points } * 100).rounded() / 100, parts)
    }

    /// Reads `[sales.scoring]`; nil (with the errors reported) when any part is wrong.
    init?(reading table: TableReader) {
        self = Self.defaults
        var ok = true
        func points(_ reader: TableReader, known: [String]?, what: String) -> [String: Double]? {
            var result: [String: Double] = [:]
            for entry in reader.table.entries {
                if let known, !known.contains(entry.key) {
                    reader.error("\(reader.name(entry.key)) is not \(what); one of: \(known.joined(separator: ", "))", at: entry.keyLocation)
                    ok = false
                    reader.markRead(entry.key)
                    continue
                }
                if let value = reader.number(entry.key, in: -1000...1000, expected: "points between -1000 and 1000") {
                    result[what == "a title word" ? entry.key.lowercased() : entry.key] = value
                } else { ok = false }
            }
            return result
        }
        if let reader = table.subtable("fields") { fields = points(reader, known: Self.fieldNames, what: "a field") ?? fields }
        if let reader = table.subtable("titles") { titles = points(reader, known: nil, what: "a title word") ?? titles }
        if let reader = table.subtable("flags") {
            let read = points(reader, known: ProspectFlag.allCases.map(\.rawValue), what: "a flag") ?? [:]
            flags = Dictionary(uniqueKeysWithValues: read.compactMap { key, value in ProspectFlag(rawValue: key).map { ($0, value) } })
        }
        if let reader = table.subtable("states") {
            let read = points(reader, known: ProspectState.allCases.map(\.rawValue), what: "a state") ?? [:]
            states = Dictionary(uniqueKeysWithValues: read.compactMap { key, value in ProspectState(rawValue: key).map { ($0, value) } })
        }
        if let reader = table.subtable("recent_touch") {
            let within = reader.duration("within")
            let value = reader.number("points", in: -1000...1000, expected: "points between -1000 and 1000")
            if let within, let value { recentTouch = (within, value) } else {
                reader.error("\(table.name("recent_touch")) needs within (a duration, e.g. \"30d\") and points", at: reader.location)
                ok = false
            }
            reader.finish(known: ["within", "points"])
        }
        if let reader = table.subtable("custom") {
            custom = [:]
            for entry in reader.table.entries {
                guard let values = reader.subtable(entry.key) else { ok = false; continue }
                custom[entry.key] = Dictionary(uniqueKeysWithValues: (points(values, known: nil, what: "a value") ?? [:]).map { ($0.key.lowercased(), $0.value) })
            }
        }
        table.finish(known: ["fields", "titles", "flags", "states", "recent_touch", "custom"])
        guard ok else { return nil }
    }
}
