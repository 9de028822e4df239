import Foundation
import NightshiftCore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects a child's stdout and stderr: appends both to the log in arrival order (capped),
/// keeps a capped copy of stdout and a tail of the combined output for the excerpt, all
/// after redaction.
///
/// Both pipes are read by concurrent tasks; the mutex makes each chunk's log write,
/// capture and tail update one step, so the log keeps the order in which chunks arrived.
final class OutputCollector: Sendable {
    enum Stream: Sendable { case stdout, stderr }

    private struct State: Sendable {
        var logFD: Int32
        var logWritten = 0
        var logTruncated = false
        var lastLogByte: UInt8?
        var stdoutRedactor: Redactor
        var stderrRedactor: Redactor
        var stdout: [UInt8] = []
        var tail: [UInt8] = []
    }

    private let state: Mutex<State>
    private let logCap: Int
    private let captureCap: Int
    /// Bytes of combined output kept for the excerpt: enough for `excerptLength`
    /// characters of multi-byte text.
    private let tailBytes: Int

    /// Opens (creating directories as needed) the log for appending.
    init(logPath: String, redactions: [String], logCap: Int, captureCap: Int, excerptLength: Int) throws(OpenError) {
        let directory = (logPath as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw OpenError(message: "cannot create log directory \(directory): \(error.localizedDescription)")
            }
        }
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw OpenError(message: "cannot open log file \(logPath): \(String(cString: strerror(errno)))")
        }
        self.logCap = max(0, logCap)
        self.captureCap = max(0, captureCap)
        self.tailBytes = max(64, excerptLength * 4)
        self.state = Mutex(
            State(
                logFD: fd,
                stdoutRedactor: Redactor(secrets: redactions),
                stderrRedactor: Redactor(secrets: redactions)
            )
        )
    }

    /// Why the log could not be opened; reported as the run's launch error.
    struct OpenError: Error {
        var message: String
    }

    /// Takes a chunk read from one of the child's pipes.
    func append(_ chunk: [UInt8], from stream: Stream) {
        state.withLock { state in
            let safe: [UInt8]
            switch stream {
            case .stdout: safe = state.stdoutRedactor.feed(chunk)
            case .stderr: safe = state.stderrRedactor.feed(chunk)
            }
            emit(safe, from: stream, into: &state)
        }
    }

    /// Writes a line of Nightshift's own (for example a launch failure) to the log.
    func note(_ line: String) {
        state.withLock { state in
            var bytes: [UInt8] = state.lastLogByte.map { $0 == UInt8(ascii: "\n") ? [] : [UInt8(ascii: "\n")] } ?? []
            bytes += Array("[nightshift: \(line)]\n".utf8)
            Self.writeAll(bytes, to: state.logFD)
            state.lastLogByte = UInt8(ascii: "\n")
        }
    }

    /// Flushes held-back bytes, closes the log and returns what was captured.
    func finish(excerptLength: Int) -> (stdout: String, excerpt: String) {
        state.withLock { state in
            emit(state.stdoutRedactor.finish(), from: .stdout, into: &state)
            emit(state.stderrRedactor.finish(), from: .stderr, into: &state)
            if state.logFD >= 0 {
                close(state.logFD)
                state.logFD = -1
            }
            let stdout = String(decoding: state.stdout, as: UTF8.self)
            return (stdout, Self.excerpt(of: state.tail, length: excerptLength))
        }
    }

    private func emit(_ bytes: [UInt8], from stream: Stream, into state: inout State) {
        guard !bytes.isEmpty else { return }
        if stream == .stdout, state.stdout.count < captureCap {
            state.stdout += bytes.prefix(captureCap - state.stdout.count)
        }
        state.tail += bytes
        if state.tail.count > tailBytes * 2 {
            state.tail.removeFirst(state.tail.count - tailBytes)
        }
        guard !state.logTruncated else { return }
        let room = logCap - state.logWritten
        if bytes.count <= room {
            Self.writeAll(bytes, to: state.logFD)
            state.logWritten += bytes.count
            state.lastLogByte = bytes.last
            return
        }
        var out = Array(bytes.prefix(room))
        let last = out.last ?? state.lastLogByte
        if let last, last != UInt8(ascii: "\n") {
            out.append(UInt8(ascii: "\n"))
        }
        out += Array("[nightshift: output truncated after \(logCap) bytes]\n".utf8)
        Self.writeAll(out, to: state.logFD)
        state.logWritten = logCap
        state.logTruncated = true
        state.lastLogByte = UInt8(ascii: "\n")
    }

    private static func writeAll(_ bytes: [UInt8], to fd: Int32) {
        guard fd >= 0 else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return  // disk full or similar: losing log lines must not fail the run
                }
                offset += written
            }
        }
    }

    /// The last `length` characters of the combined output, trimmed. A NUL byte becomes U+FFFD:
    /// PostgreSQL's text holds none, and a run whose output had one could not be recorded there.
    static func excerpt(of tail: [UInt8], length: Int) -> String {
        var text = Substring(String(decoding: tail, as: UTF8.self))
        // The tail may start inside a multi-byte character.
        while text.first == "\u{FFFD}" { text = text.dropFirst() }
        let excerpt = String(text.suffix(length)).trimmingCharacters(in: .whitespacesAndNewlines)
        return excerpt.contains("\0") ? excerpt.replacingOccurrences(of: "\0", with: "\u{FFFD}") : excerpt
    }
}
