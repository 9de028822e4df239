public import NightshiftCore

/// The dependencies between queued tasks, which must form a DAG.
public struct DependencyGraph: Sendable {
    /// A dependency that would close a cycle, with the cycle's path (`task_3 → task_1 → task_3`).
    public struct CycleError: Error, Sendable, CustomStringConvertible {
        public var path: [String]
        public var description: String {
            "dependencies would form a cycle: \(path.joined(separator: " → ")); a task cannot wait for itself"
        }
    }

    /// Each task's direct dependencies.
    public var edges: [String: [String]]

    public init(edges: [String: [String]]) {
        self.edges = edges
    }

    public init(tasks: [QueueTask]) {
        self.init(edges: Dictionary(tasks.map { ($0.id, $0.dependsOn) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The graph with `task` depending on `dependencies` (added to what it has), or the cycle that
    /// would make.
    public func adding(_ task: String, dependsOn dependencies: [String]) throws(CycleError) -> DependencyGraph {
        var copy = self
        var list = copy.edges[task] ?? []
        for dependency in dependencies where !list.contains(dependency) { list.append(dependency) }
        copy.edges[task] = list
        if let path = copy.cycle(from: task) { throw CycleError(path: path) }
        return copy
    }

    /// A cycle through `start`, as the path from `start` back to it, if there is one.
    public func cycle(from start: String) -> [String]? {
        var visited: Set<String> = []
        // Depth-first with an explicit stack of (node, next child index) so a long chain cannot
        // overflow the call stack.
        var stack: [(String, Int)] = [(start, 0)]
        while let (node, index) = stack.last {
            let children = edges[node] ?? []
            guard index < children.count else {
                stack.removeLast()
                continue
            }
            stack[stack.count - 1].1 += 1
            let child = children[index]
            if child == start { return stack.map(\.0) + [start] }
            if visited.insert(child).inserted { stack.append((child, 0)) }
        }
        return nil
    }

    /// The first cycle anywhere in the graph, if any.
    public func anyCycle() -> [String]? {
        for node in edges.keys.sorted() {
            if let path = cycle(from: node) { return path }
        }
        return nil
    }
}
