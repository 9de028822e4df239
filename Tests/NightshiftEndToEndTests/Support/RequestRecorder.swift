import Foundation
import Testing

/// A real HTTP server on 127.0.0.1 (python3's http.server, a child process) that answers every
/// POST with 200 (500 on the path `/fail`) and records it as one JSON line in a file, for webhook
/// jobs and notifiers to reach.
/// Call ``stop()`` in a `defer`.
final class RequestRecorder: @unchecked Sendable {
    struct Request: Decodable, Sendable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    private static let script = #"""
        import http.server, json, signal, sys
        # The test process may have spawned us with signals blocked; terminate() must work.
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        log = sys.argv[1]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                with open(log, "a") as f:
                    f.write(json.dumps({"path": self.path, "headers": dict(self.headers), "body": body}) + "\n")
                reply = b"ok"
                self.send_response(500 if self.path == "/fail" else 200)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    // Sendable: `process` is only read after `run()`; Foundation's `Process` guards its own state.
    private let process: Process
    let port: Int
    let logPath: String

    /// Starts the server, recording into `logPath`, and waits for its port.
    init(logPath: String) throws {
        self.logPath = logPath
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script, logPath]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CLIError("the python3 HTTP server did not print its port (is python3 installed?): \(line)")
        }
        self.process = process
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    /// Every request so far, oldest first.
    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
