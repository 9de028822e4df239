import Foundation
import NightshiftCore
import PostgresNIO

/// A `postgres://` (or `postgresql://`) URL, parsed: the parts `PostgresClient` needs, and the URL
/// without its password for messages.
struct PostgresURL {
    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    var schema: String?
    var tls: PostgresClient.Configuration.TLS
    var location: String

    init(_ text: String) throws {
        func refuse(_ problem: String) -> StoreError {
            StoreError.unavailable("the PostgreSQL URL \(problem); write postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE")
        }
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw refuse("does not start with postgres://")
        }
        guard let host = url.host, !host.isEmpty else { throw refuse("names no host") }
        guard let user = url.user, !user.isEmpty else { throw refuse("names no user") }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !database.isEmpty, !database.contains("/") else { throw refuse("names no database") }
        self.user = user
        self.password = url.password
        self.host = host
        self.port = url.port ?? 5432
        self.database = database
        var schema: String?
        var tls = PostgresClient.Configuration.TLS.prefer(.makeClientConfiguration())
        for item in url.queryItems ?? [] {
            switch (item.name, item.value ?? "") {
            case ("schema", let name) where !name.isEmpty: schema = name
            case ("sslmode", "disable"): tls = .disable
            case ("sslmode", "prefer"), ("sslmode", "allow"): tls = .prefer(.makeClientConfiguration())
            case ("sslmode", "require"), ("sslmode", "verify-ca"), ("sslmode", "verify-full"): tls = .require(.makeClientConfiguration())
            default: throw refuse("has the parameter \(item.name)=\(item.value ?? ""), which Nightshift does not know (sslmode, schema)")
            }
        }
        self.schema = schema
        self.tls = tls
        self.location = "postgres://\(user)@\(host):\(self.port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }
}
