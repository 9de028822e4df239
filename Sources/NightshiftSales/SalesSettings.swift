public import NightshiftCore

/// The `[sales]` table: the sales pack's settings.
///
/// ```toml
/// [sales.import]               # which CSV column fills which field (besides the columns named like one)
/// "E-mail Address" = "email"
/// "Organisation" = "company"
/// "LinkedIn" = "custom.linkedin"
/// ```
public struct SalesSettings: ConfigSection, Hashable {
    public static let key = "sales"

    /// `[sales.import]`: CSV column name → field, for `nightshift prospects import`.
    public var importMapping: [String: ProspectField] = [:]
    /// `holidays = ["2026-12-25", …]`: days that are not business days (buckets skip them).
    public var holidays: Set<String> = []

    public init() {}

    public init?(reading table: TableReader) {
        var ok = true
        if let mapping = table.subtable("import") {
            for entry in mapping.table.entries {
                guard let (name, location) = mapping.string(entry.key) else { ok = false; continue }
                guard let field = ProspectField(name) else {
                    mapping.error(
                        "sales.import.\"\(entry.key)\": \"\(name)\" is not a field; the fields are \(ProspectImportReader.fieldList)", at: location
                    )
                    ok = false
                    continue
                }
                importMapping[entry.key] = field
            }
            mapping.finish(known: mapping.table.entries.map(\.key))
        }
        if let (days, location) = table.stringArray("holidays") {
            for day in days where !(CalendarDay(day).map { (2000...2999).contains($0.year) } ?? false) {
                table.error("sales.holidays: \"\(day)\" is not a date written YYYY-MM-DD", at: location)
                ok = false
            }
            holidays = Set(days)
        }
        table.finish(known: ["import", "holidays"])
        guard ok else { return nil }
    }
}
