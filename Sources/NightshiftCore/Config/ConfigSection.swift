/// A top-level table of `nightshift.toml` that a pack reads (`[builder]`), so the core's loader
/// can validate a file it does not know the whole of.
///
/// ```swift
/// struct BuilderSettings: ConfigSection {
///     static let key = "builder"
///     init?(reading table: TableReader) { … table.finish(known: [...]) }
/// }
/// let configuration = try ConfigLoader.load(path: path, sections: [BuilderSettings.self])
/// let builder = configuration.section(BuilderSettings.self)
/// ```
public protocol ConfigSection: Sendable {
    /// The table's name.
    static var key: String { get }
    /// Reads the table, reporting every problem through `table` (they name FILE:LINE:COL), and
    /// calls `table.finish(known:)`. Returns nil when it reported an error.
    init?(reading table: TableReader)
}

extension WorkspaceConfiguration {
    /// The pack section of type `S`, when the file declares its table.
    public func section<S: ConfigSection>(_ type: S.Type) -> S? {
        sections[S.key] as? S
    }
}
