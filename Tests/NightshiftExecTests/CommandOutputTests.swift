import Foundation
import NightshiftCore
@testable import NightshiftExec
import Testing

@Suite("CommandExecutor: logs, capture and redaction")
struct CommandOutputTests {
    @Test("stdout and stderr both go to the log, each stream in order; only stdout is captured")
    func logOrder() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell("echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three", in: directory)
        #expect(!FileManager.default.fileExists(atPath: "\(directory)/logs"))
        let result = await TestSupport.executor().run(spec)

        // Two pipes give no ordering guarantee between them under load, so only the order within
        // each stream is asserted.
        let log = TestSupport.readFile(spec.logPath)
        #expect(log.split(separator: "\n").sorted() == ["one", "three", "two"])
        #expect(log.range(of: "one")!.lowerBound < log.range(of: "three")!.lowerBound)
        #expect(result.stdout == "one\nthree\n")
        #expect(result.excerpt.split(separator: "\n").sorted() == ["one", "three", "two"])
    }

    @Test("a NUL byte in the output reaches the excerpt as U+FFFD (PostgreSQL's text holds none)")
    func nulInExcerpt() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell("printf 'a\\000b\\n'", in: directory)
        let result = await TestSupport.executor().run(spec)
        #expect(result.exitStatus == 0)
        #expect(result.excerpt == "a\u{FFFD}b")
        #expect(!result.excerpt.contains("\0"))
    }

    @Test("a second run appends to the same log")
    func logAppends() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        var spec = TestSupport.shell("echo first", in: directory)
        _ = await TestSupport.executor().run(spec)
        spec.program = .shell("echo second")
        _ = await TestSupport.executor().run(spec)
        #expect(TestSupport.readFile(spec.logPath) == "first\nsecond\n")
    }

    @Test("the log is capped with one truncation line, and the rest is drained")
    func logCap() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        // 200 lines of 10 bytes = 2000 bytes; the command must not block on a full pipe.
        let spec = TestSupport.shell("i=0; while [ $i -lt 200 ]; do echo 123456789; i=$((i+1)); done; echo done", in: directory)
        let executor = TestSupport.executor {
            $0.logCap = 1005
            $0.captureCap = 25
        }
        let result = await executor.run(spec)

        #expect(result.exitStatus == 0)
        let log = TestSupport.readFile(spec.logPath)
        let expected = String(repeating: "123456789\n", count: 100) + "12345\n"
            + "[nightshift: output truncated after 1005 bytes]\n"
        #expect(log == expected)
        #expect(result.stdout == "123456789\n123456789\n12345")
        // The excerpt still sees the end of the output.
        #expect(result.excerpt.hasSuffix("123456789\ndone"))
    }

    @Test("output of exactly the cap is not marked truncated")
    func logExactlyAtCap() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell("printf 'abcdefghi\\n'", in: directory)
        let result = await TestSupport.executor { $0.logCap = 10 }.run(spec)
        #expect(result.exitStatus == 0)
        #expect(TestSupport.readFile(spec.logPath) == "abcdefghi\n")
    }

    @Test("the excerpt is the trimmed tail of the combined output")
    func excerptIsTail() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell("i=0; while [ $i -lt 300 ]; do echo line$i; i=$((i+1)); done; echo '  '", in: directory)
        let result = await TestSupport.executor { $0.excerptLength = 20 }.run(spec)
        #expect(result.excerpt == "line298\nline299")
    }

    @Test("secrets are redacted in the log, the excerpt and the captured stdout")
    func redaction() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        var environment = TestSupport.environment
        environment["API_TOKEN"] = "hunter2-secret"
        let spec = TestSupport.shell(
            #"echo "token=$API_TOKEN"; echo "err $API_TOKEN" >&2; printf 'hunter2-'; sleep 0.1; printf 'secret split\n'"#,
            in: directory,
            redactions: ["hunter2-secret", ""],
            environment: environment
        )
        let result = await TestSupport.executor().run(spec)

        let log = TestSupport.readFile(spec.logPath)
        for text in [log, result.excerpt, result.stdout] {
            #expect(!text.contains("hunter2"))
        }
        #expect(log.contains("token=[redacted]\n"))
        #expect(log.contains("err [redacted]\n"))
        #expect(log.contains("[redacted] split\n"))
        #expect(result.stdout == "token=[redacted]\n[redacted] split\n")
        #expect(result.excerpt.contains("[redacted] split"))  // stderr may arrive after it under load
    }

    @Test("a secret that is an exact prefix of output held back at the end is still emitted")
    func partialSecretAtEnd() async throws {
        let directory = try TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(directory) }
        let spec = TestSupport.shell("printf 'value: hunt'", in: directory, redactions: ["hunter2"])
        let result = await TestSupport.executor().run(spec)
        #expect(result.stdout == "value: hunt")
        #expect(TestSupport.readFile(spec.logPath) == "value: hunt")
    }

    @Test("the streaming redactor handles splits, overlaps and repeated secrets")
    func redactorChunks() {
        var redactor = Redactor(secrets: ["abc", "abcdef", "zz"])
        var output: [UInt8] = []
        for chunk in ["xxab", "cdefyy", "a", "bc", "z", "z", "zab"] {
            output += redactor.feed(Array(chunk.utf8))
        }
        output += redactor.finish()
        #expect(String(decoding: output, as: UTF8.self) == "xx[redacted]yy[redacted][redacted]zab")
        #expect(Redactor.redact("no secrets here", secrets: []) == "no secrets here")
        #expect(Redactor.redact("a.b.a.b", secrets: ["a.b"]) == "[redacted].[redacted]")
    }
}
