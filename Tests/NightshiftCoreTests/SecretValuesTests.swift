import Foundation
import NightshiftCore
import Testing

@Suite("Secrets: what the configuration resolves from the environment is redacted unless public")
struct SecretValuesTests {
    static let config = """
        [workspace]
        public_env = ["LOG_LEVEL", "REGION"]

        [notifiers.chat]
        webhook = "env:CHAT_URL"
        headers = { Authorization = "env:CHAT_TOKEN" }

        [jobs.deploy]
        schedule = "0 2 * * *"
        command = ["./deploy.sh"]
        env = ["GITHUB_PAT", "DATABASE_URL", "LOG_LEVEL", "REGION"]

        [cycles.nightly]
        schedule = "0 3 * * *"

        [[cycles.nightly.steps]]
        name = "sync"
        run = { command = ["./sync.sh"], env = ["SYNC_PASSWORD"] }
        """

    static let environment = [
        "GITHUB_PAT": "ghp_0123456789abcdefABCDEF", "DATABASE_URL": "postgres://app:Pa55w0rd-xyz@db.internal/app",
        "LOG_LEVEL": "debug-verbose", "REGION": "eu-west-1", "SYNC_PASSWORD": "sync-pass-9876",
        "CHAT_URL": "https://hooks.example.com/services/T024BE7LD/B01ABCDEF/xoxWebhookToken123", "CHAT_TOKEN": "Bearer chat-token-555",
        "UNRELATED": "not-read-by-anything", "PATH": "/usr/bin:/bin", "AWS_SECRET_ACCESS_KEY": "aws-secret-value-42",
    ]

    @Test("every value an env list or an env: reference reads is a secret whatever its name; public_env values are not")
    func secretsByReference() throws {
        let (configuration, diagnostics) = ConfigLoader.parse(Self.config, file: "nightshift.toml", environment: Self.environment)
        #expect(diagnostics.isEmpty, "\(diagnostics)")
        let config = try #require(configuration)
        #expect(config.settings.publicEnvironment == ["LOG_LEVEL", "REGION"])
        #expect(config.environmentNames == ["CHAT_URL", "CHAT_TOKEN", "GITHUB_PAT", "DATABASE_URL", "LOG_LEVEL", "REGION", "SYNC_PASSWORD"])
        let secrets = config.secrets(in: Self.environment)
        for name in ["GITHUB_PAT", "DATABASE_URL", "SYNC_PASSWORD", "CHAT_URL", "CHAT_TOKEN", "AWS_SECRET_ACCESS_KEY"] {
            let value = try #require(Self.environment[name])
            #expect(secrets.redact("x \(value) y") == "x [redacted] y", "\(name)")
        }
        for name in ["LOG_LEVEL", "REGION", "UNRELATED", "PATH"] {
            let value = try #require(Self.environment[name])
            #expect(secrets.redact(value) == value, "\(name) is not a secret")
        }
        #expect("\(secrets)" == "\(secrets.values.count) secret values")
        #expect(!String(reflecting: secrets).contains("ghp_"))
        var dumped = ""
        dump(secrets, to: &dumped)
        #expect(!dumped.contains("ghp_"), "\(dumped)")
    }

    @Test("the parts of a secret URL that a server echoes are secrets too; words in its path are not")
    func urlParts() {
        let secrets = SecretValues(["https://hooks.example.com/services/T024BE7LD/B01ABCDEF/xoxWebhookToken123?sig=abc123def456"])
        #expect(secrets.redact("404: no route /services/T024BE7LD/B01ABCDEF/xoxWebhookToken123?sig=abc123def456") == "404: no route [redacted]")
        #expect(secrets.redact("unknown hook xoxWebhookToken123") == "unknown hook [redacted]")
        #expect(secrets.redact("bad signature abc123def456") == "bad signature [redacted]")
        #expect(secrets.redact("restarted 3 services") == "restarted 3 services")
        let database = SecretValues(["postgres://app:Pa55w0rd-xyz@db.internal/app"])
        #expect(database.redact("auth failed: password Pa55w0rd-xyz") == "auth failed: password [redacted]")
        let encoded = SecretValues(["https://example.com/hook/tok%2Fen-ABC123"])
        #expect(encoded.redact("no hook tok/en-ABC123") == "no hook [redacted]")
    }

    @Test("values shorter than the minimum are not redacted; a longer secret containing a shorter one is replaced whole")
    func lengths() {
        let secrets = SecretValues(["1", "abc", "abcd", "abcdefgh"])
        #expect(secrets.values == ["abcdefgh", "abcd"])
        #expect(secrets.redact("1 abc abcdefgh abcd") == "1 abc [redacted] [redacted]")
        let json = JSONValue.object(["note": .string("xx abcdefgh"), "list": .array([.string("abcd!")])])
        #expect(json.redacted(secrets: ["abcd", "abcdefgh"]) == .object(["note": .string("xx [redacted]"), "list": .array([.string("[redacted]!")])]))
    }

    @Test("public_env: a bad name is an error at its line and column; a short secret or an unused public name is a warning")
    func publicEnvDiagnostics() {
        let text = """
            [workspace]
            public_env = ["LOG_LEVEL", "log-level", "NEVER_USED"]

            [jobs.a]
            schedule = "0 2 * * *"
            command = ["true"]
            env = ["LOG_LEVEL", "PIN"]
            """
        let (bad, errors) = ConfigLoader.parse(text, file: "nightshift.toml", environment: ["PIN": "42"])
        #expect(bad == nil)
        let expected = "nightshift.toml:2:28: workspace.public_env: \"log-level\" is not an environment variable name"
        #expect(errors.map(\.description).contains(expected), "\(errors)")

        let fixed = text.replacingOccurrences(of: #""log-level", "#, with: "")
        let (configuration, diagnostics) = ConfigLoader.parse(fixed, file: "nightshift.toml", environment: ["PIN": "42", "LOG_LEVEL": "on"])
        #expect(configuration != nil)
        #expect(diagnostics.map(\.description) == [
            "nightshift.toml:2:28: warning: public_env names NEVER_USED, which nothing in this file reads from the environment",
            "nightshift.toml:7:21: warning: the value of PIN is 2 characters, too short to redact from output (at least 4): "
                + "if it is no secret, list it in [workspace] public_env; if it is, make it longer",
        ])
        let (wrongType, typeErrors) = ConfigLoader.parse("[workspace]\npublic_env = \"LOG_LEVEL\"\n", file: "nightshift.toml")
        #expect(wrongType == nil)
        #expect(typeErrors.map(\.description) == ["nightshift.toml:2:14: workspace.public_env must be an array of strings, found a string"])
    }
}
