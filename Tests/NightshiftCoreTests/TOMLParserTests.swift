import Foundation
import NightshiftCore
import Testing

@Suite("TOML parser: a realistic nightshift.toml")
struct TOMLParserTests {
    static let document = """
        # Nightshift workspace
        [workspace]
        time_zone = "America/New_York"
        max_concurrent = 4
        [[jobs]]
        name = "backup"
        schedule = "0 2 * * *"
        command = ["./bin/backup.sh", "--full"]
        env = ["AWS_PROFILE"]
        retry = { attempts = 3, backoff = "30s" }
        [jobs.success_if]
        contains = "OK"

        [[jobs]]  # a second job
        name = "report"
        schedule = "30 6 * * 1-5"
        command = ["./bin/report.sh"]
        timeout = "15m"
        """

    @Test func readsEveryValue() throws {
        let root = try TOMLParser.parse(Self.document)
        #expect(root.keys == ["workspace", "jobs"])

        let workspace = try #require(root["workspace"]?.table)
        #expect(workspace.keys == ["time_zone", "max_concurrent"])
        #expect(workspace["time_zone"]?.string == "America/New_York")
        #expect(workspace["max_concurrent"]?.int == 4)

        let jobs = try #require(root["jobs"]?.array)
        #expect(jobs.count == 2)
        let backup = try #require(jobs[0].table)
        #expect(backup.keys == ["name", "schedule", "command", "env", "retry", "success_if"])
        #expect(backup["name"]?.string == "backup")
        #expect(backup["schedule"]?.string == "0 2 * * *")
        #expect(backup["command"]?.array?.compactMap(\.string) == ["./bin/backup.sh", "--full"])
        #expect(backup["env"]?.array?.compactMap(\.string) == ["AWS_PROFILE"])
        #expect(backup["retry"]?.table?["attempts"]?.int == 3)
        #expect(backup["retry"]?.table?["backoff"]?.string == "30s")
        #expect(backup["success_if"]?.table?["contains"]?.string == "OK")

        let report = try #require(jobs[1].table)
        #expect(report.keys == ["name", "schedule", "command", "timeout"])
        #expect(report["success_if"] == nil)
        #expect(report["timeout"]?.string == "15m")
    }

    @Test func recordsWhereTablesAndArraysOfTablesStart() throws {
        let root = try TOMLParser.parse(Self.document)
        #expect(root.location == tomlAt(1, 1))

        let workspace = try #require(root.entry("workspace"))
        #expect(workspace.keyLocation == tomlAt(2, 2))
        #expect(workspace.node.location == tomlAt(2, 1))
        #expect(workspace.node.table?.location == tomlAt(2, 1))

        let jobs = try #require(root.entry("jobs"))
        #expect(jobs.keyLocation == tomlAt(5, 3))
        #expect(jobs.node.location == tomlAt(5, 1))
        #expect(jobs.node.array?.map(\.location) == [tomlAt(5, 1), tomlAt(14, 1)])
        #expect(jobs.node.array?.compactMap(\.table?.location) == [tomlAt(5, 1), tomlAt(14, 1)])

        let successIf = try #require(jobs.node.array?[0].table?.entry("success_if"))
        #expect(successIf.keyLocation == tomlAt(11, 7))
        #expect(successIf.node.location == tomlAt(11, 1))
    }

    @Test func recordsWhereKeysAndValuesStart() throws {
        let root = try TOMLParser.parse(Self.document)
        let workspace = try #require(root["workspace"]?.table)
        #expect(workspace.entry("time_zone")?.keyLocation == tomlAt(3, 1))
        #expect(workspace["time_zone"]?.location == tomlAt(3, 13))
        #expect(workspace.entry("max_concurrent")?.keyLocation == tomlAt(4, 1))
        #expect(workspace["max_concurrent"]?.location == tomlAt(4, 18))

        let backup = try #require(root[dotted: "jobs"]?.array?[0].table)
        #expect(backup.entry("name")?.keyLocation == tomlAt(6, 1))
        #expect(backup["name"]?.location == tomlAt(6, 8))
        #expect(backup["schedule"]?.location == tomlAt(7, 12))
        #expect(backup["command"]?.location == tomlAt(8, 11))
        #expect(backup["command"]?.array?.map(\.location) == [tomlAt(8, 12), tomlAt(8, 31)])
        #expect(backup["env"]?.array?.first?.location == tomlAt(9, 8))

        let retry = try #require(backup.entry("retry"))
        #expect(retry.keyLocation == tomlAt(10, 1))
        #expect(retry.node.location == tomlAt(10, 9))
        #expect(retry.node.table?.location == tomlAt(10, 9))
        #expect(retry.node.table?.entry("attempts")?.keyLocation == tomlAt(10, 11))
        #expect(retry.node.table?["attempts"]?.location == tomlAt(10, 22))
        #expect(retry.node.table?.entry("backoff")?.keyLocation == tomlAt(10, 25))
        #expect(retry.node.table?["backoff"]?.location == tomlAt(10, 35))

        let contains = try #require(backup["success_if"]?.table?.entry("contains"))
        #expect(contains.keyLocation == tomlAt(12, 1))
        #expect(contains.node.location == tomlAt(12, 12))

        let report = try #require(root[dotted: "jobs"]?.array?[1].table)
        #expect(report.entry("timeout")?.keyLocation == tomlAt(18, 1))
        #expect(report["timeout"]?.location == tomlAt(18, 11))
    }

    @Test func locationsFormatForConfigDiagnostics() throws {
        let root = try TOMLParser.parse(Self.document)
        let entry = try #require(root["jobs"]?.array?[1].table?.entry("timeout"))
        #expect("nightshift.toml:\(entry.keyLocation): unknown key 'timeout'" == "nightshift.toml:18:1: unknown key 'timeout'")

        let node = try #require(root[dotted: "workspace.max_concurrent"])
        let message = "\(node.location): expected a string, found \(node.value.typeNameWithArticle)"
        #expect(message == "4:18: expected a string, found an integer")
    }

    @Test func errorsFormatAsLineColumnMessage() throws {
        let error = try #require(tomlParseError(Self.document + "\nname = \"again\"\n"))
        #expect(error.code == .duplicateKey)
        #expect(error.location == tomlAt(19, 1))
        #expect("nightshift.toml:\(error)" == "nightshift.toml:19:1: duplicate key 'jobs.name'; it was already defined at 15:1 as a string")
    }

    @Test func crlfLineEndingsCountAsOneLineBreak() throws {
        let root = try TOMLParser.parse("[a]\r\nx = 1\r\n\r\ny = \"\"\"\r\none\r\ntwo\"\"\"\r\nz = 3\r\n")
        let table = try #require(root["a"]?.table)
        #expect(table.entry("x")?.keyLocation == tomlAt(2, 1))
        #expect(table.entry("y")?.keyLocation == tomlAt(4, 1))
        #expect(table["y"]?.string == "one\ntwo")
        #expect(table.entry("z")?.keyLocation == tomlAt(7, 1))
        #expect(table["z"]?.location == tomlAt(7, 5))
    }

    @Test func columnsCountUnicodeScalars() throws {
        // "é" precomposed is one scalar, "e" + U+0301 two, "😀" one, a tab one.
        #expect(tomlParseError("\"\u{E9}\" = \"😀\" x")?.location == tomlAt(1, 11))
        #expect(tomlParseError("\"e\u{301}\" = \"😀\" x")?.location == tomlAt(1, 12))
        let root = try TOMLParser.parse("\t\"😀\" =\t'\u{E9}'")
        #expect(root.entry("😀")?.keyLocation == tomlAt(1, 2))
        #expect(root["😀"]?.location == tomlAt(1, 8))
    }

    @Test func emptyAndCommentOnlyDocumentsAreEmptyTables() throws {
        #expect(try TOMLParser.parse("").isEmpty)
        #expect(try TOMLParser.parse("\n\n   \t\n").isEmpty)
        #expect(try TOMLParser.parse("# only a comment\n  # and another").isEmpty)
        #expect(try TOMLParser.parse("\u{FEFF}a = 1")["a"]?.location == tomlAt(1, 5))
    }
}
