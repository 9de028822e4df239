/// The bookkeeping of one claiming pass over the due runs (`Store.claimDueRuns`), the same in every
/// store so that they agree on which runs a pass takes.
///
/// A store reads the due pending runs a page at a time, oldest first (by `notBefore`, then id),
/// leaving out the jobs this pass is done with, and hands each page to ``pick(_:)``. Runs of a job
/// that may overlap are all taken; of any other job only the first, and the store's claiming
/// statement takes it only if no run of that job is running. Every job of the second kind is
/// done with once its first run was tried, so a backlog of one busy job's runs costs one page,
/// not a page per run.
public struct DueRunClaim: Sendable {
    /// One due pending run, as a page lists it.
    public struct Candidate: Sendable {
        public var id: String
        public var job: String
        public init(id: String, job: String) {
            self.id = id
            self.job = job
        }
    }

    public let limit: Int
    public let overlapping: Set<String>
    /// Jobs the rest of the pass leaves out: a job whose runs may not overlap, once its first due
    /// run was tried (claimed, or found busy), or when another claimer holds it.
    public private(set) var settledJobs: Set<String> = []
    public private(set) var claimed: [RunRecord] = []
    /// Whether the last page was shorter than `pageSize`: no due run is left to read.
    private var exhausted = false

    public init(limit: Int, overlapping: Set<String>) {
        self.limit = max(0, limit)
        self.overlapping = overlapping
    }

    /// How many candidates a page reads.
    public var pageSize: Int { max(limit * 4, 16) }
    /// Whether another page is worth reading.
    public var wantsPage: Bool { !exhausted && claimed.count < limit }
    /// The jobs a page leaves out, sorted (a statement's argument).
    public var settledJobList: [String] { settledJobs.sorted() }

    /// Whether runs of `job` may be claimed while another of its runs is running.
    public func mayOverlap(_ job: String) -> Bool { overlapping.contains(job) }

    /// The candidates of a page to claim, in order; `held` are jobs another claimer is claiming
    /// right now (a store with several writers), left to it.
    public mutating func pick(_ page: [Candidate], held: Set<String> = []) -> [Candidate] {
        if page.count < pageSize { exhausted = true }
        var picked: [Candidate] = []
        for candidate in page where claimed.count + picked.count < limit && !settledJobs.contains(candidate.job) {
            if !overlapping.contains(candidate.job) {
                settledJobs.insert(candidate.job)
                if held.contains(candidate.job) { continue }
            }
            picked.append(candidate)
        }
        return picked
    }

    /// Records what the claiming statement took of the picked ids.
    public mutating func took(_ runs: [RunRecord]) {
        claimed += runs
    }
}
