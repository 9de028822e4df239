import Benchmark
import Foundation
import NightshiftCore

// Next-fire computations per second for representative cron expressions.
//
// One benchmark iteration computes the next fire after each of 1,000 start instants spread over a
// year (so DST changes, month ends and leap days are all in the mix, not one lucky instant), hence
// `scalingFactor: .kilo`: the tool reports throughput and time per single computation.

/// A cron expression measured in a given zone.
struct CronCase {
    var name: String
    var expression: String
    var zone: String
}

let cronCases = [
    CronCase(name: "*/5 * * * * UTC", expression: "*/5 * * * *", zone: "UTC"),
    CronCase(name: "0 2 * * * America/New_York", expression: "0 2 * * *", zone: "America/New_York"),
    CronCase(name: "0 0 29 2 * UTC", expression: "0 0 29 2 *", zone: "UTC"),
    CronCase(name: "*/10 * * * * * UTC (6 fields)", expression: "*/10 * * * * *", zone: "UTC"),
    CronCase(name: "0 9 * * MON-FRI Europe/Berlin", expression: "0 9 * * MON-FRI", zone: "Europe/Berlin"),
]

/// 1,000 instants from 2026-01-01T00:00:00Z, 8h 45m 37s apart (about a year), so start points fall
/// on every hour of the day and every weekday rather than on a fixed phase of the schedule.
let startInstants: [Date] = {
    let origin = Date(timeIntervalSince1970: 1_767_225_600)
    let step: TimeInterval = 8 * 3600 + 45 * 60 + 37
    return (0..<1000).map { origin.addingTimeInterval(Double($0) * step) }
}()

let benchmarks: @Sendable () -> Void = {
    let configuration = Benchmark.Configuration(
        metrics: [.throughput, .wallClock],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )

    for cronCase in cronCases {
        Benchmark("nextFire \(cronCase.name)", configuration: configuration) { benchmark in
            let expression = try CronExpression(parsing: cronCase.expression)
            let zone = try TimeZones.named(cronCase.zone)
            let starts = startInstants
            benchmark.startMeasurement()
            for index in benchmark.scaledIterations {
                blackHole(expression.nextFire(after: starts[index], in: zone))
            }
            benchmark.stopMeasurement()
        }
    }
}
