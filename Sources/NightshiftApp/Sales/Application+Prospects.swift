public import Foundation
public import NightshiftCore
public import NightshiftSales

extension NightshiftApplication {
    /// The store's sales tables.
    func salesStore() throws -> any SalesStore {
        guard let sales = store as? any SalesStore else { throw AppError.failure("this store has no sales tables") }
        return sales
    }

    /// `nightshift prospects import`: the file at `path` (relative to the current folder), mapped
    /// by `[sales.import]` and then `mapping` (`--map`), stored in one transaction. A malformed
    /// file, or a mapping that does not fit it, is a usage error naming every problem.
    public func importProspects(path: String, mapping: [String: ProspectField], source: String?, skipBad: Bool) async throws -> ProspectImport.Summary {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AppError.usage("\(path): cannot be read (no such file, or not readable)")
        }
        var merged = configuration.section(SalesSettings.self)?.importMapping ?? [:]
        merged.merge(mapping) { _, given in given }
        do {
            return try await ProspectImport(store: try salesStore()).run(
                data, file: path, mapping: merged, source: source ?? "csv", skipBad: skipBad,
                rejectDirectory: "\(workspace.root)/imports", at: clock.now()
            )
        } catch let refusal as ProspectImport.Refusal {
            throw AppError.usage(refusal.description)
        }
    }

    /// `nightshift prospects list`.
    public func listProspects(states: Set<ProspectState>, limit: Int) async throws -> [Prospect] {
        try await salesStore().prospects(tenant: "", states: states, limit: limit)
    }

    /// `nightshift prospects show ID`.
    public func prospect(_ id: String) async throws -> Prospect {
        guard let prospect = try await salesStore().prospect(id, tenant: "") else {
            throw AppError.failure("no prospect \(id); see nightshift prospects list")
        }
        return prospect
    }
}

extension Prospect {
    /// The prospect as `prospects … --json` prints it; times in `zone`.
    public func json(zone: TimeZone) -> JSONValue {
        .object(members { .string(ISO8601.format($0, in: zone)) })
    }
}

extension NightshiftApplication {
    /// The buckets of this workspace: its holidays, its zone.
    func prospectBuckets() throws -> ProspectBuckets {
        ProspectBuckets(
            store: try salesStore(), holidays: configuration.section(SalesSettings.self)?.holidays ?? [], timeZone: configuration.settings.timeZone
        )
    }

    /// `nightshift prospects park ID --until YYYY-MM [--reason R]`.
    public func parkProspect(_ id: String, until month: String, reason: String?) async throws -> Prospect {
        do { return try await prospectBuckets().park(id, until: month, reason: reason, at: clock.now()) } catch let failure as ProspectBuckets.Failure {
            throw AppError.failure(failure.description)
        }
    }

    /// `nightshift prospects dnc ID [--reason R]`: never contacted again (state `do_not_contact`).
    /// Marking one that is marked already changes nothing.
    public func markDoNotContact(_ id: String, reason: String?) async throws -> (Prospect, changed: Bool) {
        let sales = try salesStore()
        var prospect = try await self.prospect(id)
        guard prospect.state != .doNotContact else { return (prospect, false) }
        prospect.state = .doNotContact
        prospect.stateReason = reason.map { "do not contact: \($0)" } ?? "do not contact"
        prospect.bucketMonth = nil
        prospect.updatedAt = clock.now()
        _ = try await sales.updateProspects([prospect])
        return (prospect, true)
    }

    /// `nightshift prospects activate [--month YYYY-MM]`: the parked prospects whose month came back.
    public func activateProspects(month: String?) async throws -> [Prospect] {
        do { return try await prospectBuckets().activate(month: month, at: clock.now()) } catch let failure as ProspectBuckets.Failure {
            throw AppError.usage(failure.description)
        }
    }
}
