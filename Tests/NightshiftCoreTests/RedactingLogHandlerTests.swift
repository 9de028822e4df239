import Logging
import NightshiftCore
import Synchronization
import Testing

@Suite("RedactingLogHandler: no secret reaches a log line")
struct RedactingLogHandlerTests {
    @Test("a redacting logger hides secrets in messages, metadata and errors at every level")
    func redactingLogger() {
        let lines = CapturedLines()
        var logger = Logger(label: "test") { _ in CapturingLogHandler(lines: lines) }
        logger.logLevel = .trace
        logger[metadataKey: "nightshift.token"] = "handler ghp_0123456789"
        let redacting = logger.redacting(SecretValues(["ghp_0123456789"]))
        struct Failure: Error, CustomStringConvertible { var description: String { "refused ghp_0123456789" } }
        redacting.trace("sending ghp_0123456789", metadata: ["a": .array([.string("x ghp_0123456789")]), "b": .stringConvertible(42)])
        redacting.debug("failed", error: Failure())
        let captured = lines.all
        #expect(captured.count == 2)
        #expect(!captured.joined().contains("ghp_"), "\(captured)")
        #expect(captured.first?.contains("sending [redacted]") == true && captured.first?.contains("handler [redacted]") == true, "\(captured)")
        #expect(captured.last?.contains("refused [redacted]") == true, "\(captured)")
    }
}

/// The lines a ``CapturingLogHandler`` was given.
private final class CapturedLines: Sendable {
    private let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// Keeps each logged line (message and metadata) in memory.
private struct CapturingLogHandler: LogHandler {
    let lines: CapturedLines
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let metadata = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        lines.append("\(event.message) \(metadata) \(event.error.map { "\($0)" } ?? "")")
    }
}
