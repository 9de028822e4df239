/// A path as far as it can be known without looking at the file system: from the root, from the
/// operator's home folder (`~`, `$HOME`), from the folder the action starts in (its `cwd`, when it
/// does not say which), or from a folder no one can know (`cd "$DIR"`).
///
/// Normalised: no empty or `.` components, and `..` only at the start of a path that is not from
/// the root (`/..` is `/`). Symbolic links are not followed: Nightshift cannot see them.
struct CommandPath: Hashable, Sendable, CustomStringConvertible {
    enum Base: Hashable, Sendable {
        case root, home, start, unknown
    }
    let base: Base
    let components: [String]

    init(_ base: Base, _ components: [String] = []) {
        var normal: [String] = []
        for component in components where !component.isEmpty && component != "." {
            if component == "..", let last = normal.last, last != ".." {
                normal.removeLast()
            } else if component == "..", base == .root {
                continue
            } else {
                normal.append(component)
            }
        }
        self.base = base
        self.components = normal
    }

    static let root = CommandPath(.root)
    static let home = CommandPath(.home)
    static let start = CommandPath(.start)
    static let unknown = CommandPath(.unknown)

    /// `text` read against `folder`: absolute when it starts with `/`, else relative.
    static func resolve(_ text: String, in folder: CommandPath) -> CommandPath {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        return text.hasPrefix("/") ? CommandPath(.root, parts) : folder.appending(parts)
    }

    func appending(_ relative: [String]) -> CommandPath { CommandPath(base, components + relative) }

    /// How many `..` lead the path (above its base).
    private var ascent: Int { components.prefix { $0 == ".." }.count }

    /// Whether deleting (or otherwise touching all of) this path may reach `target` — `target`
    /// itself or a folder above it — for a `paths` pattern. `target` is from the root or from home.
    ///
    /// Unknowable bases give `.unknown` only where the path may really be the target or above it:
    /// `.`, `..` and `~/..` may; `./build` is below a folder and is taken not to be `/` or `~`.
    func reaches(_ target: CommandPath) -> Truth {
        let up = ascent
        let below = Array(components.dropFirst(up))
        switch (base, target.base) {
        case (.root, .root), (.home, .home):
            if up > 0 { return below.isEmpty ? .yes : .unknown }
            return target.components.starts(with: components) ? .yes : .no
        case (.root, .home):
            return components.isEmpty ? .yes : .no
        case (.home, .root):
            return up > 0 ? .unknown : .no
        case (.start, .home), (.unknown, .home):
            return below.isEmpty ? .unknown : .no
        case (.start, .root), (.unknown, .root):
            if below.isEmpty { return .unknown }
            // `U/a/b` is `/x/a/b…` for some folder U (`..` or not): possible when a/b runs inside the target.
            let target = target.components
            guard below.count <= target.count else { return .no }
            for offset in 0...(target.count - below.count) where Array(target[offset..<offset + below.count]) == below {
                return .unknown
            }
            return .no
        default:
            return .unknown
        }
    }

    /// Whether this path is strictly inside `folder` (for `within` patterns); false whenever it
    /// cannot be known.
    func isInside(_ folder: CommandPath) -> Bool {
        guard base == folder.base, base != .unknown, ascent == 0, folder.ascent == 0 else { return false }
        return components.count > folder.components.count && components.starts(with: folder.components)
    }

    var description: String {
        let prefix = switch base {
        case .root: "/"
        case .home: "~/"
        case .start: "./"
        case .unknown: "?/"
        }
        return prefix + components.joined(separator: "/")
    }
}
