import Foundation
import NightshiftCore

// Checks the conformance cases use; each throws a ConformanceFailure located at its caller.

/// Throws a ``ConformanceFailure`` carrying `message` unless `condition` holds.
func check(
    _ condition: Bool,
    _ message: @autoclosure () -> String,
    file: String = #fileID,
    line: Int = #line
) throws {
    if !condition { throw ConformanceFailure(message(), file: file, line: line) }
}

/// Throws unless `actual == expected`, naming `what` and both values.
func checkEqual<T: Equatable>(
    _ actual: T,
    _ expected: T,
    _ what: String,
    file: String = #fileID,
    line: Int = #line
) throws {
    if actual != expected {
        throw ConformanceFailure("\(what): expected \(expected), got \(actual)", file: file, line: line)
    }
}

/// Returns the value, or throws naming `what` when it is nil.
func unwrap<T>(_ value: T?, _ what: String, file: String = #fileID, line: Int = #line) throws -> T {
    guard let value else { throw ConformanceFailure("\(what): expected a value, got nil", file: file, line: line) }
    return value
}

/// Throws unless the two dates (or both nils) agree within ``StoreConformance/dateTolerance``.
func checkDate(
    _ actual: Date?,
    _ expected: Date?,
    _ what: String,
    file: String = #fileID,
    line: Int = #line
) throws {
    switch (actual, expected) {
    case (nil, nil):
        return
    case let (actual?, expected?):
        // A hair over a millisecond: a driver truncating to milliseconds may land just past it in binary.
        let gap = abs(actual.timeIntervalSince(expected))
        try check(
            gap <= StoreConformance.dateTolerance + 1e-6,
            "\(what): expected \(expected.timeIntervalSince1970), got \(actual.timeIntervalSince1970) (\(gap) s apart)",
            file: file, line: line
        )
    default:
        throw ConformanceFailure("\(what): expected \(String(describing: expected)), got \(String(describing: actual))", file: file, line: line)
    }
}

/// Compares every field of a run read back from the store with the one expected.
func checkRun(_ actual: RunRecord?, _ expected: RunRecord, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "run \(expected.id)", file: file, line: line)
    let name = "run \(expected.id)"
    try checkEqual(actual.id, expected.id, "\(name).id", file: file, line: line)
    try checkEqual(actual.job, expected.job, "\(name).job", file: file, line: line)
    try checkDate(actual.slot, expected.slot, "\(name).slot", file: file, line: line)
    try checkEqual(actual.slotKey, expected.slotKey, "\(name).slotKey", file: file, line: line)
    try checkEqual(actual.trigger, expected.trigger, "\(name).trigger", file: file, line: line)
    try checkEqual(actual.state, expected.state, "\(name).state", file: file, line: line)
    try checkEqual(actual.attempt, expected.attempt, "\(name).attempt", file: file, line: line)
    try checkDate(actual.createdAt, expected.createdAt, "\(name).createdAt", file: file, line: line)
    try checkDate(actual.notBefore, expected.notBefore, "\(name).notBefore", file: file, line: line)
    try checkDate(actual.startedAt, expected.startedAt, "\(name).startedAt", file: file, line: line)
    try checkDate(actual.finishedAt, expected.finishedAt, "\(name).finishedAt", file: file, line: line)
    try checkEqual(actual.exitStatus, expected.exitStatus, "\(name).exitStatus", file: file, line: line)
    try checkEqual(actual.error, expected.error, "\(name).error", file: file, line: line)
    try checkEqual(actual.excerpt, expected.excerpt, "\(name).excerpt", file: file, line: line)
    try checkEqual(actual.owner, expected.owner, "\(name).owner", file: file, line: line)
    try checkEqual(actual.childPID, expected.childPID, "\(name).childPID", file: file, line: line)
}

/// Compares the ids of `actual`, in order, with `expected`.
func checkIDs(_ actual: [RunRecord], _ expected: [String], _ what: String, file: String = #fileID, line: Int = #line) throws {
    try checkEqual(actual.map(\.id), expected, what, file: file, line: line)
}

/// Compares every field of a daemon record read back from the store with the one expected.
func checkDaemon(_ actual: DaemonInstance?, _ expected: DaemonInstance, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "daemon record", file: file, line: line)
    try checkEqual(actual.id, expected.id, "daemon.id", file: file, line: line)
    try checkEqual(actual.pid, expected.pid, "daemon.pid", file: file, line: line)
    try checkEqual(actual.host, expected.host, "daemon.host", file: file, line: line)
    try checkDate(actual.startedAt, expected.startedAt, "daemon.startedAt", file: file, line: line)
    try checkDate(actual.heartbeatAt, expected.heartbeatAt, "daemon.heartbeatAt", file: file, line: line)
    try checkDate(actual.stoppedAt, expected.stoppedAt, "daemon.stoppedAt", file: file, line: line)
}

/// Compares every field of a job's state read back from the store with the one expected.
func checkJob(_ actual: JobState?, _ expected: JobState, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "job \(expected.name)", file: file, line: line)
    let name = "job \(expected.name)"
    try checkEqual(actual.name, expected.name, "\(name).name", file: file, line: line)
    try checkEqual(actual.paused, expected.paused, "\(name).paused", file: file, line: line)
    try checkDate(actual.cursor, expected.cursor, "\(name).cursor", file: file, line: line)
    try checkEqual(actual.retired, expected.retired, "\(name).retired", file: file, line: line)
    try checkEqual(
        actual.alert.consecutiveFailures, expected.alert.consecutiveFailures,
        "\(name).alert.consecutiveFailures", file: file, line: line
    )
    try checkDate(actual.alert.lastAlertAt, expected.alert.lastAlertAt, "\(name).alert.lastAlertAt", file: file, line: line)
    try checkEqual(actual.alert.alerting, expected.alert.alerting, "\(name).alert.alerting", file: file, line: line)
}

/// Compares every field of an alert read back from the store with the one expected.
func checkAlert(_ actual: AlertRecord?, _ expected: AlertRecord, file: String = #fileID, line: Int = #line) throws {
    let actual = try unwrap(actual, "alert \(expected.id)", file: file, line: line)
    let name = "alert \(expected.id)"
    try checkEqual(actual.id, expected.id, "\(name).id", file: file, line: line)
    try checkEqual(actual.job, expected.job, "\(name).job", file: file, line: line)
    try checkEqual(actual.kind, expected.kind, "\(name).kind", file: file, line: line)
    try checkEqual(actual.runID, expected.runID, "\(name).runID", file: file, line: line)
    try checkDate(actual.sentAt, expected.sentAt, "\(name).sentAt", file: file, line: line)
    try checkEqual(actual.message, expected.message, "\(name).message", file: file, line: line)
    try checkEqual(actual.deliveryErrors, expected.deliveryErrors, "\(name).deliveryErrors", file: file, line: line)
}
