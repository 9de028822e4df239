import Foundation

/// Reads the `[context]` table of `nightshift.toml` into ``ContextSettings``: calendars, the routine,
/// the event map and the limits. Every mistake is a diagnostic at its line and column.
struct ContextReader {
    static let keys = ["calendars", "routine", "map", "limits"]

    let table: TableReader
    /// With a folder, each calendar file is read from there and parsed (`config check`): a missing
    /// file or an ICS mistake is an error at the file's entry, with the ICS line.
    var calendarFolder: String?
    /// The zone of floating times in the calendars (the workspace's).
    var timeZone: TimeZone = .gmt

    func read() -> ContextSettings {
        var settings = ContextSettings()
        settings.calendars = calendars()
        if let routine = table.subtable("routine") { settings.routine = self.routine(routine) }
        if let map = table.subtable("map") { settings.map = mappings(map) }
        if let limits = table.subtable("limits") { settings.limits = self.limits(limits) }
        table.finish(known: Self.keys)
        return settings
    }

    private func calendars() -> [CalendarSource] {
        guard let node = table.node("calendars") else { return [] }
        var sources: [CalendarSource] = []
        for (index, item) in strings(node, name: table.name("calendars"), reader: table).enumerated() {
            guard let source = CalendarSource(parsing: item.text) else {
                table.error(
                    "\(table.name("calendars"))[\(index)] \"\(item.text)\" is not a file path or an http(s) URL; write e.g. \"calendars/work.ics\" or \"https://example.com/cal.ics\"",
                    at: item.location)
                continue
            }
            if let calendarFolder, let path = source.path(inWorkspace: calendarFolder) {
                do {
                    _ = try ICSCalendar.read(path: path, file: item.text, floatingTimeZone: timeZone)
                } catch {
                    table.error("\(table.name("calendars"))[\(index)]: \(error.description)", at: item.location)
                }
            }
            sources.append(source)
        }
        return sources
    }

    private func routine(_ reader: TableReader) -> ContextRoutine {
        var routine = ContextRoutine()
        for entry in reader.table.entries {
            reader.markRead(entry.key)
            guard let context = context(named: entry.key, at: entry.keyLocation, in: reader) else { continue }
            for (index, item) in strings(entry.node, name: reader.name(entry.key), reader: reader).enumerated() {
                do {
                    routine.entries.append(.init(context: context, span: try RoutineSpan(parsing: item.text)))
                } catch {
                    reader.error("\(reader.name(entry.key))[\(index)]: \(error.message)", at: item.location)
                }
            }
        }
        return routine
    }

    private func mappings(_ reader: TableReader) -> [ContextMapping] {
        var mappings: [ContextMapping] = []
        for entry in reader.table.entries {
            reader.markRead(entry.key)
            guard !entry.key.trimmingCharacters(in: .whitespaces).isEmpty else {
                reader.error("\(reader.name("\"\(entry.key)\"")) is an empty pattern, which would match every event; write part of a title, e.g. \"Gym\" = \"gym\"", at: entry.keyLocation)
                continue
            }
            guard let name = entry.node.string else {
                reader.error("\(reader.name(entry.key)) must be a context name (\(OperatorContext.allNames)), found \(TableReader.article(entry.node.typeName))", at: entry.node.location)
                continue
            }
            guard let context = OperatorContext(rawValue: name) else {
                let hint = TableReader.suggestion(for: name, among: OperatorContext.allCases.map(\.rawValue)).map { " (did you mean \"\($0)\"?)" } ?? ""
                reader.error("\(reader.name(entry.key)) must be a context name (\(OperatorContext.allNames)), found \"\(name)\"\(hint)", at: entry.node.location)
                continue
            }
            mappings.append(ContextMapping(entry.key, context))
        }
        return mappings
    }

    private func limits(_ reader: TableReader) -> [OperatorContext: Int] {
        var limits: [OperatorContext: Int] = [:]
        for entry in reader.table.entries {
            guard let context = context(named: entry.key, at: entry.keyLocation, in: reader) else {
                reader.markRead(entry.key)
                continue
            }
            // The entry's own node, not `reader.int`: inlining that tuple-returning accessor here
            // crashes the 6.3.1 optimizer (CopyPropagation, "Found outside of lifetime use") in
            // release builds.
            reader.markRead(entry.key)
            let node = entry.node
            guard case .integer(let value) = node.value else {
                reader.error("\(reader.name(entry.key)) must be an integer, found \(TableReader.article(node.typeName))", at: node.location)
                continue
            }
            // The builder allows at most 64 at once, whatever the context.
            guard (0...64).contains(value), let limit = Int(exactly: value) else {
                reader.error("\(reader.name(entry.key)) must be between 0 and 64 (0 stops builds in that context), found \(value)", at: node.location)
                continue
            }
            limits[context] = limit
        }
        return limits
    }

    /// The context a key names, or an error at the key.
    private func context(named key: String, at location: SourcePosition, in reader: TableReader) -> OperatorContext? {
        if let context = OperatorContext(rawValue: key) { return context }
        let hint = TableReader.suggestion(for: key, among: OperatorContext.allCases.map(\.rawValue)).map { " (did you mean \"\($0)\"?)" } ?? ""
        reader.error("unknown context \"\(key)\" in \(reader.path)\(hint); contexts are \(OperatorContext.allNames)", at: location)
        return nil
    }

    /// The strings of an array, each with where it was written; errors for anything else.
    private func strings(_ node: TOMLNode, name: String, reader: TableReader) -> [(text: String, location: SourcePosition)] {
        guard let items = node.array else {
            reader.error("\(name) must be an array of strings, found \(TableReader.article(node.typeName))", at: node.location)
            return []
        }
        var result: [(String, SourcePosition)] = []
        for item in items {
            guard let text = item.string else {
                reader.error("\(name) must contain only strings, found \(TableReader.article(item.typeName))", at: item.location)
                continue
            }
            result.append((text, item.location))
        }
        return result
    }
}
