public import Foundation
public import NightshiftCore

/// A cron job proposed for a high-band pattern's pre-build: `patterns suggest --schedules`.
public struct PrebuildJobProposal: Sendable, Hashable {
    /// The pattern.
    public var pattern: Pattern
    /// `prebuild-NAME`: the request name with anything but letters, digits, `-` and `_` as `-`.
    public var jobName: String
    /// The learner's schedule: the preferred lead (3 h) before the pattern's typical time.
    public var schedule: CronExpression
    /// The workspace's zone, in which the schedule is read.
    public var timeZone: String
    /// The pattern's command; without one there is no job to add.
    public var command: PrebuildCommand?

    /// The `[jobs.prebuild-NAME]` block to append to `nightshift.toml`; nil without a command.
    public var toml: String? {
        guard let command else { return nil }
        return """
            [jobs.\(jobName)]
            description = \(PrebuildCommand.tomlString("pre-build for \(pattern.name) (\(pattern.description)), learned pattern \(pattern.id)"))
            schedule = \(PrebuildCommand.tomlString(schedule.source))
            time_zone = \(PrebuildCommand.tomlString(timeZone))
            command = \(command.toml)

            """
    }

    /// The command that appends the block: `nightshift patterns accept ID` (the id single-quoted
    /// when the shell would read it otherwise).
    public var acceptCommand: String {
        let plain = pattern.id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._:-".contains($0)) }
        return "nightshift patterns accept " + (plain ? pattern.id : "'" + pattern.id.replacingOccurrences(of: "'", with: "'\\''") + "'")
    }

    /// `prebuild-` and `name` made a valid, unquoted TOML key and job name.
    static func jobName(for name: String) -> String {
        let allowed = name.unicodeScalars.map { scalar -> Character in
            let ascii = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "-" || scalar == "_")
            return ascii ? Character(scalar) : "-"
        }
        return "prebuild-" + String(allowed)
    }
}

extension NightshiftApplication {
    /// A proposed job for each high-band pattern, strongest first; see ``PrebuildJobProposal``.
    public func prebuildJobProposals(at now: Date = Date()) async throws -> [PrebuildJobProposal] {
        let learner = patternLearner
        let zone = TimeZones.displayName(configuration.settings.timeZone)
        return try await learnedPatterns(at: now).compactMap { learned in
            learner.schedule(for: learned.pattern).map {
                PrebuildJobProposal(
                    pattern: learned.pattern, jobName: PrebuildJobProposal.jobName(for: learned.pattern.name), schedule: $0,
                    timeZone: zone, command: learned.command)
            }
        }
    }

    /// Appends the pattern's proposed job to `nightshift.toml`, leaving the rest of the file byte
    /// for byte as it was, and checks that the workspace still loads with the job in it; if not,
    /// the file is put back as it was.
    ///
    /// - Throws: ``AppError`` (failure) when there is no such pattern, it is not in the high
    ///   band, it has no command, a job of that name exists, or the workspace would not load.
    @discardableResult
    public func acceptPattern(_ id: String, at now: Date = Date()) async throws -> PrebuildJobProposal {
        let learned = try await learnedPattern(id, at: now)
        guard let proposal = try await prebuildJobProposals(at: now).first(where: { $0.pattern.id == id }) else {
            throw AppError.failure(
                "\(id) is in the \(learned.pattern.band) band (confidence \(Self.figure(learned.pattern.confidence))); "
                    + "only high-band patterns (0.7 or more) get a job")
        }
        guard let block = proposal.toml else {
            throw AppError.failure(
                "\(id) has no command to pre-build with; log it with --meta '{\"command\": [...]}' "
                    + "(nightshift patterns log \(learned.pattern.name) --meta '{\"command\": [\"./bin/prepare.sh\"]}')")
        }
        guard configuration.job(named: proposal.jobName) == nil else {
            throw AppError.failure("\(workspace.configPath) already has a job named \(proposal.jobName); nothing was changed")
        }
        let url = URL(fileURLWithPath: workspace.configPath)
        let original = try Data(contentsOf: url)
        var appended = original
        if let last = original.last, last != UInt8(ascii: "\n") { appended.append(UInt8(ascii: "\n")) }
        if !original.isEmpty { appended.append(UInt8(ascii: "\n")) }
        appended.append(contentsOf: Data(block.utf8))
        try appended.write(to: url, options: .atomic)
        do {
            let reloaded = try await buildApplication(workspace: workspace, environment: environment, logger: logger)
            guard reloaded.configuration.job(named: proposal.jobName) != nil else {
                throw AppError.failure("the workspace loaded without the job \(proposal.jobName)")
            }
        } catch {
            try original.write(to: url, options: .atomic)
            throw AppError.failure("\(workspace.configPath) was put back as it was: with the job \(proposal.jobName) it does not load: \(error)")
        }
        return proposal
    }
}
