import Foundation
import PostgresNIO

/// SQL text the driver composes (identifiers, placeholders), kept in one place.
enum PostgresSQL {
    /// `name` as a quoted identifier: `"nightly"`, with embedded quotes doubled.
    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The statements of a script, split at the semicolons that end them: not those inside quotes,
    /// dollar-quoted bodies (`$$ … $$`, a function's) or `--` comments. Empty statements are left out.
    static func statements(_ script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var characters = Array(script)[...]
        var quote: Character?  // ' or "
        var dollar = false
        while let character = characters.popFirst() {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
                continue
            }
            if dollar {
                current.append(character)
                if character == "$", characters.first == "$" {
                    current.append(characters.removeFirst())
                    dollar = false
                }
                continue
            }
            switch character {
            case "'", "\"":
                quote = character
                current.append(character)
            case "$" where characters.first == "$":
                current.append(character)
                current.append(characters.removeFirst())
                dollar = true
            case "-" where characters.first == "-":
                while let next = characters.first, next != "\n" { characters.removeFirst() }
            case ";":
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            default:
                current.append(character)
            }
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { statements.append(last) }
        return statements
    }
}

/// The advisory locks the driver takes, transaction-scoped, each in a class of its own (the first
/// key) so they never collide with each other or with an application's; the second key is a hash
/// of what is locked, qualified by the schema so that workspaces sharing a database do not wait on
/// each other.
enum PostgresLocks {
    /// Migrations of one schema: concurrent nodes migrate one after the other, so once.
    static let migration: Int32 = 0x4E53_0001
    /// Claims of one job's runs: an exclusive claim's "no run of the job is running" check and its
    /// update cannot be split by another claim of the same job.
    static let jobClaims: Int32 = 0x4E53_0002
    /// Policy decisions of one schema: a decision's counts and its record are one turn, so
    /// concurrent proposals on any node see each other's counted actions.
    static let decisions: Int32 = 0x4E53_0003
    /// Health scans of one schema: a scan reads the open problems and writes what it found, and
    /// two nodes scanning at once must not both open a problem for one key.
    static let healthScans: Int32 = 0x4E53_0004
}

/// A statement composed piece by piece (filters that depend on a query): SQL text with `$n`
/// placeholders and the values bound to them.
struct PostgresStatement {
    var sql: String
    var binds = PostgresBindings()

    init(_ sql: String = "") {
        self.sql = sql
    }

    /// Binds `value` and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    /// Binds `value` (NULL when nil) and returns its placeholder.
    mutating func bind<Value: PostgresDynamicTypeEncodable>(_ value: Value?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: binds) }
}
