import Foundation

/// Editing a workspace's store the way an attacker or a careless tool could: in the `sqlite3`
/// shell, past the types the schema declares.
extension TestWorkspace {
    /// Turns `table` back into an ordinary (non-STRICT) table by editing its declaration in
    /// `sqlite_master`, so that a later statement can store a value of any type in it. STRICT
    /// tables refuse such values; this is how a tool that ignores the schema gets past that.
    func unstrict(_ table: String) async throws {
        _ = try await sql("""
            PRAGMA writable_schema = ON;
            UPDATE sqlite_master SET sql = substr(sql, 1, length(sql) - length(' STRICT'))
                WHERE type = 'table' AND name = '\(table)' AND sql LIKE '%) STRICT';
            PRAGMA writable_schema = OFF;
            """)
    }

    /// `statement` on a copy of this workspace's store, after making `tables` non-strict; the copy
    /// is returned for commands to run on (remove it after use).
    func tamperedCopy(unstrict tables: [String], _ statement: String) async throws -> TestWorkspace {
        let copy = try copy()
        for table in tables { try await copy.unstrict(table) }
        _ = try await copy.sql(statement)
        return copy
    }
}

/// What a command did on a tampered store, checked the same way everywhere: no crash.
extension CLIResult {
    /// Ended by a signal (a Swift trap is SIGILL or SIGTRAP) or printed a runtime fatal error.
    var crashed: Bool { status >= 128 || stderr.contains("Fatal error") }
}
