/// The densest bunch of times of day in a list, on the 24-hour circle (23:50 and 00:10 are 20
/// minutes apart).
///
/// The typical minute is the listed time with the most times within the tolerance of it; ties go
/// to the one with the least total distance to those times (so it is a median of the bunch), then
/// to the earliest. Shared by ``PatternLearner`` and ``SelfImprover``.
struct TimeCluster: Sendable, Hashable {
    /// The minute of the day the times bunch around (0...1439).
    var typicalMinute: Int
    /// Indices into the input of the times within the tolerance of ``typicalMinute``, ascending.
    var members: [Int]

    /// Minutes in a day.
    static let minutesPerDay = 1440

    /// The densest cluster of `minutes` (minutes of the day), or nil when there are none.
    static func densest(_ minutes: [Int], tolerance: Int) -> TimeCluster? {
        var best: (minute: Int, members: [Int], spread: Int)?
        for candidate in Set(minutes).sorted() {
            var members: [Int] = []
            var spread = 0
            for (index, minute) in minutes.enumerated() {
                let gap = distance(minute, candidate)
                if gap <= tolerance {
                    members.append(index)
                    spread += gap
                }
            }
            if let current = best {
                let better = members.count > current.members.count
                    || (members.count == current.members.count && spread < current.spread)
                if !better { continue }
            }
            best = (candidate, members, spread)
        }
        return best.map { TimeCluster(typicalMinute: $0.minute, members: $0.members) }
    }

    /// Minutes between two times of day the short way round the clock.
    static func distance(_ first: Int, _ second: Int) -> Int {
        let gap = abs(first - second) % minutesPerDay
        return min(gap, minutesPerDay - gap)
    }
}
