/// What a signature block says about its writer, for updating a prospect's record.
public struct SignatureContact: Sendable, Hashable {
    /// The writer's name, when a line of the signature gives it.
    public var name: String?
    /// The job title, when a line carries a recognisable one ("Head of Finance", "Geschäftsführer").
    public var title: String?
    /// The company, when a line carries a legal form ("Acme Logistics Inc.", "Müller GmbH").
    public var company: String?
    /// Telephone numbers as written (not fax numbers).
    public var phones: [String]
    /// Email addresses in the signature.
    public var emails: [String]
    /// Web addresses (`https://…`, `www.…`).
    public var websites: [String]

    /// A contact with the given fields.
    public init(
        name: String? = nil, title: String? = nil, company: String? = nil, phones: [String] = [], emails: [String] = [], websites: [String] = []
    ) {
        self.name = name
        self.title = title
        self.company = company
        self.phones = phones
        self.emails = emails
        self.websites = websites
    }

    /// Whether nothing was found.
    public var isEmpty: Bool {
        name == nil && title == nil && company == nil && phones.isEmpty && emails.isEmpty && websites.isEmpty
    }
}

/// Reads the contact details in a signature block, conservatively: a field is filled only when
/// a line clearly is one (a legal form for the company, a title word for the title, a labelled
/// or well-formed number for a phone), so the record is never updated from a guess.
///
/// ```swift
/// let contact = MailSignature.contact(
///     from: "Tom Reilly\nIT Operations Manager\nAcme Logistics Inc.\nTel: +1 (312) 555-0187",
///     sender: MailAddress(name: "Tom Reilly", address: "tom@acme.example"))
/// contact.title     // "IT Operations Manager"
/// contact.company   // "Acme Logistics Inc."
/// contact.phones    // ["+1 (312) 555-0187"]
/// ```
public enum MailSignature {
    /// The details in `signature` (as ``ReplyText/signature`` gives it); `sender` helps find the
    /// name line.
    public static func contact(from signature: String, sender: MailAddress?) -> SignatureContact {
        var contact = SignatureContact()
        let lines = signature.split(separator: "\n").map { $0.trimmingASCIIWhitespace() }.filter { !$0.isEmpty && $0.utf8.count <= 200 }
        guard !lines.isEmpty, lines.count <= 40 else { return contact }
        let scalars = Array(signature.unicodeScalars.prefix(10_000))
        contact.emails = unique(TextAddresses.find(in: scalars, limit: 10).map(\.address))
        for line in lines {
            for piece in SignatureFields.pieces(of: line) {
                if let website = SignatureFields.website(piece), !contact.websites.contains(website) { contact.websites.append(website) }
                if let phone = SignatureFields.phone(piece), !contact.phones.contains(phone) { contact.phones.append(phone) }
                if contact.company == nil, let company = SignatureFields.company(piece) { contact.company = company }
                if contact.title == nil, let title = SignatureFields.title(piece) { contact.title = title }
            }
        }
        contact.name = SignatureFields.name(in: lines, sender: sender)
        if contact.title == contact.company { contact.title = nil }
        return contact
    }

    private static func unique(_ values: [String]) -> [String] {
        var seen: Set<String> = []
        return values.filter { seen.insert($0.lowercased()).inserted }
    }
}
