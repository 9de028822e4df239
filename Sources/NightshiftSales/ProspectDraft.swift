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
        // Read byte by byte: an import checks every row's address, and the reading by Characters
        // (grapheme breaking) was a sixth of its time. The rules are ASCII's, so bytes say it all.
        let trimmed = text.trimmed()
        let bytes = Array(trimmed.utf8)
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), !bytes[(at + 1)...].contains(UInt8(ascii: "@")) else { return nil }
        let local = bytes[..<at], domainBytes = bytes[(at + 1)...]
        let dot = UInt8(ascii: "."), hyphen = UInt8(ascii: "-")
        guard !local.isEmpty, local.count <= 64, local.allSatisfy({ $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "\"") }),
              local.first != dot, local.last != dot, !zip(local, local.dropFirst()).contains(where: { $0 == dot && $1 == dot })
        else { return nil }
        func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }
        func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
        let domain = domainBytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let labels = domain.split(separator: dot, omittingEmptySubsequences: false)
        guard domain.count <= 253, labels.count >= 2, labels.allSatisfy({ label in
            !label.isEmpty && label.count <= 63 && label.first != hyphen && label.last != hyphen
                && label.allSatisfy { isLetter($0) || isDigit($0) || $0 == hyphen }
        }), labels.last?.allSatisfy(isLetter) == true else { return nil }
        return String(decoding: local, as: UTF8.self) + "@" + String(decoding: domain, as: UTF8.self)
    }
}
