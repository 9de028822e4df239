public import Foundation

/// A field of a prospect that an import can fill from a column.
public enum ProspectField: Sendable, Hashable, CustomStringConvertible {
    case firstName, lastName, name, email, company, domain, title, phone, source, externalID
    /// `custom.KEY`: kept as is under KEY.
    case custom(String)

    /// Every field but `custom.KEY`, by the name `--map` and `[sales.import]` use.
    public static let named: [String: ProspectField] = [
        "first_name": .firstName, "last_name": .lastName, "name": .name, "email": .email, "company": .company,
        "domain": .domain, "title": .title, "phone": .phone, "source": .source, "external_id": .externalID,
    ]

    /// The field called `text` (`email`, `custom.linkedin`), or nil.
    public init?(_ text: String) {
        if text.hasPrefix("custom.") {
            let key = String(text.dropFirst("custom.".count))
            guard !key.isEmpty, key.count <= 64, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                return nil
            }
            self = .custom(key)
            return
        }
        guard let field = Self.named[text] else { return nil }
        self = field
    }

    public var description: String {
        if case .custom(let key) = self { return "custom.\(key)" }
        return Self.named.first { $0.value == self }?.key ?? "?"
    }

    /// The field a column of this header name means without a mapping: its name in any case, with
    /// spaces, dashes or underscores (`First Name`, `e-mail`), or a common spelling of it.
    static func guessed(fromHeader header: String) -> ProspectField? {
        let key = header.lowercased().split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "_" }).joined(separator: "_")
        if let field = named[key] { return field }
        return [
            "e_mail": .email, "email_address": .email, "mail": .email, "firstname": .firstName, "given_name": .firstName,
            "lastname": .lastName, "surname": .lastName, "family_name": .lastName, "full_name": .name, "company_name": .company,
            "organisation": .company, "organization": .company, "job_title": .title, "phone_number": .phone, "website": .domain,
            "id": .externalID,
        ][key]
    }

    /// Whether one row may fill the field from several columns (their values are all kept).
    var isMultiple: Bool { self == .email || self == .externalID }
}

/// One row of an import, read and checked, before it is stored: what the file says of one prospect.
public struct ProspectDraft: Sendable, Hashable {
    /// The line of the file the row starts on.
    public var line: Int
    public var name: String?
    public var firstName: String?
    public var lastName: String?
    /// Valid addresses, as written but with the domain in lower case, first the main one.
    public var emails: [String] = []
    public var company: String?
    public var domain: String?
    public var title: String?
    public var phone: String?
    public var source: String?
    public var externalIDs: [String] = []
    public var custom: [String: String] = [:]
    /// Why the row cannot be worked as it is (no valid email, no name): it is imported as `broken`
    /// for the assess and research steps. Nil for a row that is whole.
    public var brokenReason: String?

    public init(line: Int) {
        self.line = line
    }

    /// The name to show: `name`, or first and last name together.
    public var displayName: String? {
        if let name { return name }
        let parts = [firstName, lastName].compactMap { $0 }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }
}

/// Email addresses as prospects carry them.
public enum EmailAddress {
    /// The key two addresses of one mailbox share, for finding a prospect by address and for
    /// exact deduplication: the address in lower case; for Gmail (`gmail.com`, `googlemail.com`),
    /// without the dots of the local part and without a `+tag`, on `gmail.com`.
    public static func identityKey(_ address: String) -> String {
        let lowered = address.lowercased()
        guard let at = lowered.lastIndex(of: "@") else { return lowered }
        var local = String(lowered[..<at])
        let domain = String(lowered[lowered.index(after: at)...])
        guard domain == "gmail.com" || domain == "googlemail.com" else { return lowered }
        if let plus = local.firstIndex(of: "+") { local = String(local[..<plus]) }
        local.removeAll { $0 == "." }
        return "\(local)@gmail.com"
    }

    /// `text` with its domain in lower case, when it is an address a mail could be sent to: one
    /// `@`, a local part of printable ASCII without spaces (at most 64 bytes), a domain of labels
    /// of letters, digits and `-` with a dot (at most 253 bytes); nil otherwise.
    public static func normalised(_ text: String) -> String? {
        let trimmed = text.trimmed()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let local = parts[0], domain = parts[1].lowercased()
        guard !local.isEmpty, local.utf8.count <= 64, local.allSatisfy({ $0.isASCII && $0.asciiValue.map { $0 > 32 && $0 < 127 } == true }),
              !local.contains("\""), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return nil }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard domain.utf8.count <= 253, labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }), labels.last?.allSatisfy(\.isLetter) == true else { return nil }
        return "\(local)@\(domain)"
    }
}
