import Foundation

/// Converts between instants and wall-clock seconds in a zone (seconds since 1970-01-01T00:00:00
/// read as if the zone were UTC), the way calendars and routines mean local times.
///
/// Recurring events and routine spans are stepped on wall-clock time and only then turned into
/// instants, so 09:00 in Berlin stays 09:00 on both sides of a daylight-saving change.
enum WallTime {
    /// The wall-clock seconds of `instant` (Unix seconds) in `zone`.
    static func wall(_ instant: Int64, in zone: TimeZone) -> Int64 {
        instant + ScheduleSupport.offset(of: zone, at: instant)
    }

    /// The instant (Unix seconds) at which `zone` shows the wall-clock time `wall`.
    ///
    /// A time that happens twice (a fall-back) maps to its first pass. A time that does not exist
    /// (a spring-forward gap) is read with the offset from before the gap, as RFC 5545 asks: 02:30
    /// on the day Berlin skips from 02:00 to 03:00 becomes 03:30 CEST.
    static func instant(_ wall: Int64, in zone: TimeZone) -> Int64 {
        // Zone offsets change at most a few times a year, so the offsets a day either side are the
        // only candidates for the offset in force at `wall`.
        let before = ScheduleSupport.offset(of: zone, at: wall - 86_400)
        let after = ScheduleSupport.offset(of: zone, at: wall + 86_400)
        let candidates = [wall - before, wall - after].filter { ScheduleSupport.offset(of: zone, at: $0) == wall - $0 }
        if let first = candidates.min() { return first }
        // Offsets other than those a day away (a zone that changed twice in two days): try the
        // offset at the naive instant before giving up and using the offset from before the gap.
        let naive = ScheduleSupport.offset(of: zone, at: wall - before)
        if ScheduleSupport.offset(of: zone, at: wall - naive) == naive { return wall - naive }
        return wall - before
    }

    /// The whole days since 1970-01-01 and the second of the day of a wall-clock time.
    static func split(_ wall: Int64) -> (day: Int64, second: Int64) {
        let (day, second) = CivilTime.floorDivMod(wall, 86_400)
        return (day, second)
    }
}
