public import Foundation

/// Looks up IANA time zones by name, such as `America/New_York`.
public enum TimeZones {
    /// IANA names without a slash that are real zones rather than abbreviations; Foundation also
    /// accepts abbreviations such as `PST`, which are ambiguous and not IANA names.
    private static let slashlessZones: Set<String> = [
        "UTC", "UCT", "GMT", "GMT0", "Greenwich", "Universal", "Zulu",
        "CET", "EET", "MET", "WET",
        "EST5EDT", "CST6CDT", "MST7MDT", "PST8PDT",
    ]

    /// The zone named `id`, e.g. `"Europe/Berlin"` or `"UTC"`.
    ///
    /// Throws a ``ScheduleError`` with `field` `"time zone"` for an empty, unknown or abbreviated name
    /// (`"PST"`, `"GMT+5"`); names are case-sensitive, as in the IANA database.
    public static func named(_ id: String) throws(ScheduleError) -> TimeZone {
        let isIANAShaped = id.contains("/") || slashlessZones.contains(id)
        guard !id.isEmpty, isIANAShaped, let zone = TimeZone(identifier: id) else {
            throw ScheduleError(
                .invalidTimeZone, field: "time zone", token: id,
                "\"\(id)\" is not an IANA time zone name; use a name such as \"America/New_York\", \"Europe/Berlin\" or \"UTC\"")
        }
        return zone
    }

    /// The zone's name as operators write it: Foundation on Linux names the "UTC" zone "GMT".
    public static func displayName(_ zone: TimeZone) -> String {
        zone.identifier == "GMT" ? "UTC" : zone.identifier
    }
}
