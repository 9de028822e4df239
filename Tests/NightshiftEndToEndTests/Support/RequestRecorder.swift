import Foundation
import NightshiftTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real HTTP server on 127.0.0.1 (python3's http.server, a child process) that answers every
/// POST with 200 (500 on the path `/fail`; under `/echo/`, a body that repeats the path and the
/// `X-Api` header, as a chatty server does) and records it as one JSON line in a file, for webhook
/// jobs and notifiers to reach.
/// Call ``stop()`` in a `defer`.
final class RequestRecorder: Sendable {
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
                if self.path.startswith("/echo/"):
                    reply = ("received at %s with X-Api %s" % (self.path, self.headers.get("X-Api", ""))).encode()
                self.send_response(500 if self.path == "/fail" else 200)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
            def log_message(self, *args):
                pass
        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        with open(sys.argv[2] + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        import os
        os.rename(sys.argv[2] + ".tmp", sys.argv[2])
        server.serve_forever()
        """#

    private let process: ChildProcess
    let port: Int
    let logPath: String

    /// Starts the server, recording into `logPath`, and waits (at most 10 s) for its port.
    init(logPath: String) throws {
        self.logPath = logPath
        // Not next to the log: its folder may only appear once the test has initialised the workspace.
        let portPath = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-\(UUID().uuidString).port").path
        defer { try? FileManager.default.removeItem(atPath: portPath) }
        process = try ChildProcess("/usr/bin/env", ["python3", "-c", Self.script, logPath, portPath], environment: CLI.environment(), stdout: .null)
        var port: Int?
        for _ in 0..<1000 where port == nil && process.isRunning {
            port = (try? String(contentsOfFile: portPath, encoding: .utf8)).flatMap { Int($0) }
            if port == nil { usleep(10_000) }
        }
        guard let port else {
            process.signal(SIGKILL)
            throw CLIError("the python3 HTTP server did not write its port (is python3 installed?)")
        }
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
        process.signal(SIGTERM)
        process.waitBlocking(timeout: 5)
        process.signal(SIGKILL)
    }
}
