public import Foundation
public import NightshiftCore

/// Turns a CSV file's rows into prospect drafts: which column fills which field (`[sales.import]`,
/// `--map COLUMN=FIELD`, or the column's own name), each row's values trimmed and checked. A row
/// that parses but lacks a valid email or a name becomes a draft marked broken, not an error.
///
/// ```swift
/// let reader = try ProspectImportReader(header: table.header, mapping: ["E-mail Address": .email])
/// let drafts = reader.drafts(table.rows, source: "webinar")
/// ```
public struct ProspectImportReader: Sendable {
    /// Why the columns cannot be read: a mapping naming a column the file lacks, two columns for one
    /// single field, or no column to fill the email or a name from.
    public struct MappingError: Error, Sendable, CustomStringConvertible {
        public var problems: [String]
        public var description: String { problems.joined(separator: "\n") }
    }

    /// The field each column of the header fills, nil for a column that is ignored.
    public let columns: [ProspectField?]
    /// The header's cells.
    public let header: [String]

    /// Reads `header` with `mapping` (header name → field; names compared without case and
    /// surrounding spaces); a column the mapping does not name fills the field its own name says
    /// (`Email`, `First Name`, `company`), if any. A column `mapping` names must be in the header
    /// (`--map`); `defaults` (`[sales.import]`, written once for many files) apply to the columns
    /// the header has, and `mapping` wins over them.
    public init(header: [String], mapping: [String: ProspectField], defaults: [String: ProspectField] = [:]) throws(MappingError) {
        var problems: [String] = []
        func key(_ text: String) -> String { text.trimmed().lowercased() }
        let present = Set(header.map(key))
        var merged = defaults.filter { present.contains(key($0.key)) }
        merged.merge(mapping) { _, given in given }
        let byKey = Dictionary(merged.map { (key($0.key), ($0.key, $0.value)) }, uniquingKeysWith: { _, last in last })
        for (wanted, (column, _)) in byKey.sorted(by: { $0.key < $1.key }) where !present.contains(wanted) {
            problems.append("the mapping names the column \"\(column)\", which the header does not have (its columns: \(header.joined(separator: ", ")))")
        }
        var columns: [ProspectField?] = header.map { cell in byKey[key(cell)]?.1 ?? ProspectField.guessed(fromHeader: cell) }
        // A column the mapping names wins over one that only guessed the same single field.
        var firstColumn: [ProspectField: Int] = [:]
        for (index, field) in columns.enumerated() {
            guard let field, !field.isMultiple else { continue }
            guard let earlier = firstColumn[field] else { firstColumn[field] = index; continue }
            let earlierMapped = byKey[key(header[earlier])] != nil, thisMapped = byKey[key(header[index])] != nil
            if earlierMapped == thisMapped {
                problems.append("the columns \"\(header[earlier])\" and \"\(header[index])\" both fill \(field); map one of them to another field with --map")
            } else if thisMapped {
                columns[earlier] = nil
                firstColumn[field] = index
            } else {
                columns[index] = nil
            }
        }
        let fields = Set(columns.compactMap { $0 })
        if !fields.contains(.email) {
            problems.append("no column fills email (columns: \(header.joined(separator: ", "))); map one with --map COLUMN=email")
        }
        if fields.isDisjoint(with: [.name, .firstName, .lastName]) {
            problems.append("no column fills name, first_name or last_name; map one with --map COLUMN=name")
        }
        guard problems.isEmpty else { throw MappingError(problems: problems) }
        self.header = header
        self.columns = columns
    }

    /// The header's columns that fill no field.
    public var ignoredColumns: [String] { zip(header, columns).filter { $0.1 == nil }.map(\.0) }

    /// The drafts of `rows`, in order; `source` fills the source of rows that have none.
    public func drafts(_ rows: [CSVTable.Row], source: String?) -> [ProspectDraft] {
        rows.map { draft($0, source: source) }
    }

    func draft(_ row: CSVTable.Row, source: String?) -> ProspectDraft {
        var draft = ProspectDraft(line: row.line)
        var invalid: [String] = []
        for (field, cell) in zip(columns, row.cells) {
            guard let field else { continue }
            let value = cell.trimmed(newlines: true)
            guard !value.isEmpty else { continue }
            switch field {
            case .firstName: draft.firstName = value
            case .lastName: draft.lastName = value
            case .name: draft.name = value
            case .company: draft.company = value
            case .domain: draft.domain = value.lowercased()
            case .title: draft.title = value
            case .phone: draft.phone = value
            case .source: draft.source = value
            case .externalID: draft.externalIDs.append(value)
            case .custom(let key): draft.custom[key] = value
            case .email:
                // A cell may hold several addresses, separated by `;` or `,`.
                for part in value.split(whereSeparator: { $0 == ";" || $0 == "," }) {
                    let text = part.trimmed()
                    guard !text.isEmpty else { continue }
                    if let address = EmailAddress.normalised(text) {
                        if !draft.emails.contains(address) { draft.emails.append(address) }
                    } else {
                        invalid.append(text)
                    }
                }
            }
        }
        if draft.source == nil { draft.source = source }
        var reasons: [String] = []
        if draft.emails.isEmpty {
            reasons.append(invalid.isEmpty ? "no email" : "no valid email (\(invalid.map { "\"\($0)\"" }.joined(separator: ", ")))")
        }
        if draft.displayName == nil { reasons.append("no name") }
        if !reasons.isEmpty { draft.brokenReason = reasons.joined(separator: "; ") }
        return draft
    }

    /// Reads `--map COLUMN=FIELD` arguments (the column may contain `=`; the field is after the
    /// last one), or throws the first that is not one, naming the fields there are.
    public static func mapping(arguments: [String]) throws(MappingError) -> [String: ProspectField] {
        var mapping: [String: ProspectField] = [:]
        for argument in arguments {
            guard let equals = argument.lastIndex(of: "=") else {
                throw MappingError(problems: ["--map \"\(argument)\": write COLUMN=FIELD, e.g. --map \"E-mail Address=email\""])
            }
            let column = String(argument[..<equals]), name = String(argument[argument.index(after: equals)...])
            guard !column.trimmed().isEmpty else {
                throw MappingError(problems: ["--map \"\(argument)\": the column's name is empty"])
            }
            guard let field = ProspectField(name) else {
                throw MappingError(problems: ["--map \"\(argument)\": \"\(name)\" is not a field; the fields are \(fieldList)"])
            }
            mapping[column] = field
        }
        return mapping
    }

    /// The fields an import can fill, for messages.
    public static let fieldList = ProspectField.named.keys.sorted().joined(separator: ", ") + ", custom.KEY"
}
