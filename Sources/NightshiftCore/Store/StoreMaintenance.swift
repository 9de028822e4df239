/// The upkeep a file-backed store offers the health fixes and `nightshift doctor`. The memory store
/// has nothing to maintain and does not conform.
public protocol StoreMaintenance: Sendable {
    /// Pages in use and free, and the bytes of the store's files.
    func storeStatistics() async throws -> StoreStatistics
    /// Refreshes the planner's statistics and checkpoints the write-ahead log; with `vacuum`, also
    /// rewrites the file without its free pages.
    func optimizeStore(vacuum: Bool) async throws -> StoreStatistics
    /// The store's own consistency check: empty when it is sound, else what it found.
    func integrityProblems() async throws -> [String]
}

/// How big a store is and how much of it is free.
public struct StoreStatistics: Sendable, Hashable, Codable {
    public var pageSize: Int
    public var pages: Int
    public var freePages: Int
    /// The database file and its write-ahead log together.
    public var bytes: Double

    public init(pageSize: Int, pages: Int, freePages: Int, bytes: Double) {
        self.pageSize = pageSize
        self.pages = pages
        self.freePages = freePages
        self.bytes = bytes
    }

    /// Share of the pages that are free, 0–100.
    public var freePercent: Double { pages > 0 ? Double(freePages) / Double(pages) * 100 : 0 }
}
