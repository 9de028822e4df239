public import Foundation
public import NightshiftCore

/// `config check`: `nightshift.toml` validated without opening the store, with what the workspace
/// runs once its packs are installed. As `--json` prints it.
public struct ConfigCheck: Encodable, Sendable {
    /// One problem found, at its file, line and column.
    public struct Problem: Encodable, Sendable {
        public var file: String
        public var line: Int
        public var column: Int
        public var severity: String
        public var message: String
    }

    public var file: String
    public var valid: Bool
    /// Every job `jobs list` shows: declared ones, cycles' and the packs'.
    public var jobs: [String]
    public var cycles: [String]
    /// The jobs and cycles a pack added (the builder pack's `overnight`, the brief's `morning-brief`).
    public var fromPacks: [String]
    public var problems: [Problem]
    /// The diagnostics as found, for the text output. Not part of the JSON.
    public var diagnostics: [ConfigDiagnostic]
    /// The declared notifiers. Not part of the JSON.
    public var notifiers: [String]

    enum CodingKeys: String, CodingKey { case file, valid, jobs, cycles, fromPacks, problems }

    /// Checks the configuration of `workspace`, resolving `${VAR}` from `environment`.
    ///
    /// - Throws: ``AppError/usage(_:)`` when the file cannot be read or a pack cannot be installed into it.
    public static func run(_ workspace: Workspace, environment: [String: String]) throws -> ConfigCheck {
        let file = "nightshift.toml"
        guard FileManager.default.isReadableFile(atPath: workspace.configPath) else {
            throw AppError.usage("\(workspace.configPath): cannot read the file (create a workspace with nightshift init)")
        }
        let configuration: WorkspaceConfiguration?
        let diagnostics: [ConfigDiagnostic]
        do throws(ConfigError) {
            let text = try ConfigLoader.readText(path: workspace.configPath, file: file)
            (configuration, diagnostics) = ConfigLoader.parse(
                text, file: file, environment: environment, directory: workspace.root,
                sections: NightshiftApplication.packSections, readCalendars: true
            )
        } catch {
            (configuration, diagnostics) = (nil, error.diagnostics)
        }
        // What the workspace runs: the file's jobs and cycles plus what its packs add.
        let installed = try configuration.map { declared in
            var whole = declared
            do {
                try NightshiftApplication.installPacks(into: &whole)
            } catch {
                throw AppError.usage("\(workspace.configPath): \(error)")
            }
            return whole
        }
        let added = Set(installed?.jobs.map(\.name) ?? []).subtracting(configuration?.jobs.map(\.name) ?? [])
        return ConfigCheck(
            file: workspace.configPath,
            valid: installed != nil,
            jobs: installed?.jobs.map(\.name) ?? [],
            cycles: installed?.cycles.map(\.name) ?? [],
            fromPacks: installed?.jobs.map(\.name).filter(added.contains) ?? [],
            problems: diagnostics.map {
                Problem(file: $0.file, line: $0.location.line, column: $0.location.column, severity: $0.severity.rawValue, message: $0.message)
            },
            diagnostics: diagnostics,
            notifiers: installed?.notifiers.map(\.name) ?? []
        )
    }
}
