import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Dependency graph: a DAG, and the exact cycle when it would not be")
struct DependencyGraphTests {
    /// An edge list that would close a cycle, and the cycle's path from the task being changed.
    struct CycleCase: Sendable, CustomTestStringConvertible {
        var name: String
        var edges: [String: [String]]
        var task: String
        var dependencies: [String]
        var path: [String]
        var testDescription: String { name }
    }

    static let cycles: [CycleCase] = [
        CycleCase(name: "self-loop", edges: [:], task: "task_1", dependencies: ["task_1"], path: ["task_1", "task_1"]),
        CycleCase(
            name: "2-cycle", edges: ["task_2": ["task_1"]], task: "task_1", dependencies: ["task_2"], path: ["task_1", "task_2", "task_1"]
        ),
        CycleCase(
            name: "3-cycle", edges: ["task_2": ["task_3"], "task_3": ["task_1"]], task: "task_1", dependencies: ["task_2"],
            path: ["task_1", "task_2", "task_3", "task_1"]
        ),
        CycleCase(
            // Dead ends explored first must not appear in the path.
            name: "cycle behind a dead end",
            edges: ["a": ["b"], "b": ["c"], "task_2": ["x", "task_3"], "task_3": ["task_1"], "x": []],
            task: "task_1", dependencies: ["a", "task_2"], path: ["task_1", "task_2", "task_3", "task_1"]
        ),
        CycleCase(
            name: "closing a diamond", edges: ["a": ["b", "c"], "b": ["d"], "c": ["d"]], task: "d", dependencies: ["a"],
            path: ["d", "a", "b", "d"]
        ),
    ]

    @Test("a dependency that would close a cycle is rejected with the cycle's path", arguments: cycles)
    func rejectsCycle(_ cycle: CycleCase) throws {
        let graph = DependencyGraph(edges: cycle.edges)
        let error = #expect(throws: DependencyGraph.CycleError.self) {
            try graph.adding(cycle.task, dependsOn: cycle.dependencies)
        }
        #expect(error?.path == cycle.path)
        #expect(
            error?.description
                == "dependencies would form a cycle: \(cycle.path.joined(separator: " → ")); a task cannot wait for itself"
        )
    }

    @Test("the 3-cycle's message reads exactly as the operator sees it")
    func exactMessage() {
        let graph = DependencyGraph(edges: ["task_2": ["task_3"], "task_3": ["task_1"]])
        let error = #expect(throws: DependencyGraph.CycleError.self) { try graph.adding("task_1", dependsOn: ["task_2"]) }
        #expect(error?.description == "dependencies would form a cycle: task_1 → task_2 → task_3 → task_1; a task cannot wait for itself")
    }

    @Test("a diamond is a DAG: both paths to the shared dependency are accepted")
    func diamond() throws {
        var graph = DependencyGraph(edges: [:])
        graph = try graph.adding("b", dependsOn: ["d"])
        graph = try graph.adding("c", dependsOn: ["d"])
        graph = try graph.adding("a", dependsOn: ["b", "c"])
        graph = try graph.adding("top", dependsOn: ["a", "d"])
        #expect(graph.edges["a"] == ["b", "c"])
        #expect(graph.anyCycle() == nil)
        #expect(graph.cycle(from: "top") == nil)
    }

    @Test("adding keeps existing dependencies and does not repeat one")
    func addingMerges() throws {
        let graph = try DependencyGraph(edges: ["a": ["b"]]).adding("a", dependsOn: ["c", "b", "c"])
        #expect(graph.edges["a"] == ["b", "c"])
    }

    @Test("a rejected dependency leaves the graph it was asked of unchanged")
    func rejectionIsPure() {
        let graph = DependencyGraph(edges: ["b": ["a"]])
        #expect(throws: DependencyGraph.CycleError.self) { try graph.adding("a", dependsOn: ["b"]) }
        #expect(graph.edges == ["b": ["a"]])
    }

    @Test("the graph of stored tasks is read from their dependsOn, and anyCycle finds a cycle anywhere")
    func fromTasks() {
        let graph = DependencyGraph(tasks: [
            builderTask("a", dependsOn: ["b"]), builderTask("b", dependsOn: ["c"]), builderTask("c", dependsOn: ["b"]), builderTask("d"),
        ])
        #expect(graph.edges["a"] == ["b"])
        #expect(graph.edges["d"] == [])
        #expect(graph.anyCycle() == ["b", "c", "b"])
    }

    @Test("a 10,000-task chain is walked without overflowing the stack")
    func longChain() throws {
        let count = 10_000
        var edges: [String: [String]] = [:]
        for index in 1..<count { edges["task_\(index)"] = ["task_\(index + 1)"] }
        let graph = DependencyGraph(edges: edges)

        // Extending the chain is fine …
        let longer = try graph.adding("task_\(count)", dependsOn: ["task_\(count + 1)"])
        #expect(longer.edges.count == count)

        // … closing it is a cycle through every task, in order.
        let error = #expect(throws: DependencyGraph.CycleError.self) {
            try graph.adding("task_\(count)", dependsOn: ["task_1"])
        }
        let path = try #require(error?.path)
        #expect(path.count == count + 1)
        #expect(path.first == "task_\(count)")
        #expect(path[1] == "task_1")
        #expect(path[count - 1] == "task_\(count - 1)")
        #expect(path.last == "task_\(count)")
    }
}
