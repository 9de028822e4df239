import Foundation
import NightshiftTesting
import PostgresNIO
@testable import NightshiftPostgres

/// Fresh stores on the test server: each in a schema of its own (`t_` and a random suffix),
/// dropped afterwards, so cases run side by side on one database without seeing each other.
enum TestDatabase {
    /// How many stores may be open at once: each holds a pool, and the server's connections are
    /// shared with every other test.
    private static let permits = Permits(4)

    /// A store configuration for a new schema on the test server.
    static func configuration(schema: String = freshSchemaName()) throws -> PostgresStore.Configuration {
        var configuration = try PostgresStore.Configuration(url: try PostgresTestCluster.url())
        configuration.schema = schema
        configuration.client.options.maximumConnections = 4
        return configuration
    }

    static func freshSchemaName() -> String {
        "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
    }

    /// Runs `body` with a migrated store in a fresh schema, then drops the schema.
    static func withFreshStore(_ body: @Sendable (PostgresStore) async throws -> Void) async throws {
        let configuration = try configuration()
        try await permits.withPermit {
            let store = PostgresStore(configuration: configuration)
            try await PostgresStore.withStore(store) { store in
                do {
                    try await store.migrate()
                    try await body(store)
                } catch {
                    try? await dropSchema(of: store)
                    throw error
                }
                try await dropSchema(of: store)
            }
        }
    }

    /// Drops the store's schema and everything in it.
    static func dropSchema(of store: PostgresStore) async throws {
        guard let schema = store.configuration.schema else { return }
        try await store.write { session in
            try await session.script("DROP SCHEMA IF EXISTS \(PostgresSQL.identifier(schema)) CASCADE")
        }
    }
}

/// A counting semaphore for async code.
actor Permits {
    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(_ count: Int) {
        available = count
    }

    func withPermit<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
