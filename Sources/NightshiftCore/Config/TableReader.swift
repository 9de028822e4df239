public import Foundation

/// Reads typed values out of a TOML table while collecting diagnostics: wrong types, bad values,
/// and — when ``finish()`` is called — every key that nothing asked for (an unknown key).
public final class TableReader {
    public let table: TOMLTable
    public let path: String
    let sink: DiagnosticSink
    private var used: Set<String> = []

    init(_ table: TOMLTable, path: String, sink: DiagnosticSink) {
        self.table = table
        self.path = path
        self.sink = sink
    }

    public var location: SourcePosition { table.location }

    public func has(_ key: String) -> Bool { table[key] != nil }

    /// Marks `key` as read without looking it up (for callers iterating the entries themselves).
    public func markRead(_ key: String) {
        used.insert(key)
    }

    public func node(_ key: String) -> TOMLNode? {
        used.insert(key)
        return table[key]
    }

    public func error(_ message: String, at location: SourcePosition) {
        sink.add(message, at: location)
    }

    public func warning(_ message: String, at location: SourcePosition) {
        sink.add(message, at: location, severity: .warning)
    }

    public func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private func expect<T>(_ key: String, _ type: String, _ extract: (TOMLNode) -> T?) -> (T, SourcePosition)? {
        guard let node = node(key) else { return nil }
        guard let value = extract(node) else {
            error("\(name(key)) must be \(type), found \(Self.article(node.typeName))", at: node.location)
            return nil
        }
        return (value, node.location)
    }

    public func string(_ key: String) -> (String, SourcePosition)? { expect(key, "a string") { $0.string } }
    public func int(_ key: String) -> (Int, SourcePosition)? { expect(key, "an integer") { $0.int } }
    public func bool(_ key: String) -> (Bool, SourcePosition)? { expect(key, "true or false") { $0.bool } }
    public func subtable(_ key: String) -> TableReader? {
        expect(key, "a table") { $0.table }.map { TableReader($0.0, path: name(key), sink: sink) }
    }

    /// An array of tables (`[[NAME.KEY]]`), each as a reader of its own named `KEY[INDEX]`; an
    /// item that is not a table is reported (and left out).
    public func tableArray(_ key: String) -> [TableReader]? {
        guard let (items, _) = expect(key, "an array of tables", { $0.array }) else { return nil }
        var readers: [TableReader] = []
        for (index, item) in items.enumerated() {
            guard let table = item.table else {
                error("\(name(key))[\(index)] must be a table, found \(Self.article(item.typeName))", at: item.location)
                continue
            }
            readers.append(TableReader(table, path: "\(name(key))[\(index)]", sink: sink))
        }
        return readers
    }

    public func stringArray(_ key: String) -> ([String], SourcePosition)? {
        guard let (items, location) = expect(key, "an array of strings", { $0.array }) else { return nil }
        var strings: [String] = []
        for item in items {
            guard let string = item.string else {
                error("\(name(key)) must contain only strings, found \(Self.article(item.typeName))", at: item.location)
                return nil
            }
            strings.append(string)
        }
        return (strings, location)
    }

    /// An integer in `range`; outside it, an error naming the bounds. Every count the file gives is
    /// read this way, so no later arithmetic on it can overflow.
    public func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let (value, location) = int(key) else { return nil }
        guard range.contains(value) else {
            error("\(name(key)) must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: location)
            return nil
        }
        return value
    }

    /// An integer or float in `range` (so never `inf` or `nan`, which TOML allows); outside it, an
    /// error that says what is expected.
    public func number(_ key: String, in range: ClosedRange<Double>, expected: String) -> Double? {
        // The node's value is switched on once, into locals: reading `node.number` twice here
        // crashes the 6.3 optimizer (CopyPropagation, "Found outside of lifetime use") in release.
        guard let node = node(key) else { return nil }
        let location = node.location
        let typeName = node.typeName
        let value: Double? = switch node.value {
        case .integer(let whole): Double(whole)
        case .float(let fraction): fraction
        default: nil
        }
        if let value, range.contains(value) { return value }
        error("\(name(key)) must be \(expected), found \(value.map { JSONValue.number($0).text } ?? Self.article(typeName))", at: location)
        return nil
    }

    /// A duration such as "30s", "15m", "2h", "1d".
    public func duration(_ key: String) -> Duration? {
        guard let (text, location) = string(key) else { return nil }
        do {
            return try DurationParser.parse(text)
        } catch {
            self.error("\(name(key)): \(error.message)", at: location)
            return nil
        }
    }

    /// A `{ attempts = N, backoff = "30s", max_backoff = "15m" }` table, each key falling back to
    /// `defaults`; nil when the key is absent.
    func retryPolicy(_ key: String, defaults: RetryPolicy) -> RetryPolicy? {
        guard let retry = subtable(key) else { return nil }
        defer { retry.finish(known: ["attempts", "backoff", "max_backoff"]) }
        var policy = defaults
        if let attempts = retry.int("attempts", in: 1...100) { policy.attempts = attempts }
        if let backoff = retry.duration("backoff") { policy.backoff = backoff }
        if let maxBackoff = retry.duration("max_backoff") { policy.maxBackoff = maxBackoff }
        return policy
    }

    /// `action_type = "TYPE"` and `attributes = { … }`: how the policy sees a declared action.
    func policyLabel() -> PolicyLabel {
        var label = PolicyLabel()
        if let (type, location) = string("action_type") {
            if type.isEmpty || !type.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) {
                error("\(name("action_type")) \"\(type)\" may contain only letters, digits, '-', '_' and '.'", at: location)
            }
            label.type = type
        }
        if let node = node("attributes") {
            if case .object(let members)? = node.table.flatMap({ PolicyReader.json(TOMLNode(.table($0), at: node.location)) }) {
                label.attributes = members
            } else {
                error("\(name("attributes")) must be a table of strings, numbers, booleans and arrays, e.g. { category = \"Bug fixes\" }", at: node.location)
            }
        }
        return label
    }

    /// One of the allowed words.
    public func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) -> T? where T.RawValue == String {
        guard let (text, location) = string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            error("\(name(key)) must be one of \(allowed), found \"\(text)\"", at: location)
            return nil
        }
        return value
    }

    /// Reports every key of the table that was never read.
    public func finish(known: [String]? = nil) {
        for entry in table.entries where !used.contains(entry.key) {
            let hint = Self.suggestion(for: entry.key, among: known ?? Array(used)).map { " (did you mean \"\($0)\"?)" } ?? ""
            error("unknown key \"\(name(entry.key))\"\(hint)", at: entry.keyLocation)
        }
    }

    static func article(_ typeName: String) -> String {
        let vowel = typeName.first.map { "aeiou".contains($0) } ?? false
        return (vowel ? "an " : "a ") + typeName
    }

    /// The closest known key within two edits, for typos.
    static func suggestion(for key: String, among known: [String]) -> String? {
        known.map { ($0, editDistance(key, $0)) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }
}

/// Collects diagnostics for one file.
final class DiagnosticSink {
    let file: String
    private(set) var diagnostics: [ConfigDiagnostic] = []

    init(file: String) {
        self.file = file
    }

    func add(_ message: String, at location: SourcePosition, severity: ConfigDiagnostic.Severity = .error) {
        diagnostics.append(ConfigDiagnostic(file: file, location: location, message: message, severity: severity))
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

extension TableReader {
    /// Whether `text`, an `"env:NAME"` value, names a valid variable; reports it at `location` if not.
    public func checkEnvironmentReference(_ text: String, at location: SourcePosition) -> Bool {
        guard ActionReader.isValidVariableName(String(text.dropFirst(4))) else {
            error("\"\(text)\" is not a valid env:NAME reference", at: location)
            return false
        }
        return true
    }
}
