public import NightshiftCore
import PostgresNIO

/// Wake-ups between nodes: a transaction that makes work (a pending run, a queued task) sends
/// `NOTIFY` on the topic's channel, delivered when it commits, and every node listening wakes its
/// runner or its builder's worker at once instead of at its next poll (which stays, in case a
/// notification is lost with a connection).
/// Notifications are database-wide, so the payload names the schema: workspaces sharing a
/// database in schemas of their own do not wake each other.
enum PostgresChanges {
    static func channel(_ topic: StoreTopic) -> String { "nightshift_\(topic.rawValue)" }

    /// Notifies the topic's listeners when the caller's transaction commits.
    static func notify(_ topic: StoreTopic, _ session: PostgresSession) async throws {
        try await session.execute("SELECT pg_notify(\(channel(topic)), coalesce(current_schema(), ''))")
    }
}

extension PostgresStore {
    public func waitForChanges(_ topics: Set<StoreTopic>, _ onChange: @escaping @Sendable (StoreTopic) async -> Void) async throws {
        // One connection of the pool, held while listening; a lost connection is listened on again.
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    let schema = try await PostgresActions.text(
                        connection.query("SELECT coalesce(current_schema(), '')", logger: logger).collect()
                    )
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for topic in topics {
                            group.addTask {
                                try await connection.listen(on: PostgresChanges.channel(topic)) { notifications in
                                    for try await notification in notifications where notification.payload == schema {
                                        await onChange(topic)
                                    }
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.info("listening for changes failed; polling until it works again", metadata: ["nightshift.error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }
}
