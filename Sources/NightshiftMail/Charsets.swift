import Foundation

/// A character set named in a message (`charset=` of a text part, an encoded word's charset, an
/// RFC 2231 parameter's), and how to turn its bytes into text.
///
/// UTF-8, US-ASCII, Latin-1 and Windows-1252 are decoded here; the ISO 8859 family, the Windows
/// code pages, KOI8, the Chinese, Japanese and Korean charsets, UTF-16 and UTF-32 through
/// Foundation, each checked to decode on Linux. Latin-1 is read as Windows-1252, as the WHATWG
/// Encoding Standard does and mail programs do: messages labelled ISO-8859-1 carry Windows
/// smart quotes in 0x80–0x9F far more often than C1 control characters. A name not known here
/// has no charset: the caller reports it rather than guessing.
///
/// ```swift
/// MailCharset(named: "ISO-8859-1")?.decode([0x93, 0x68, 0x69, 0x94])   // "“hi”"
/// MailCharset(named: "x-unknown")                                       // nil
/// ```
public struct MailCharset: Sendable, Hashable, CustomStringConvertible {
    /// The charset's canonical name in lower case, e.g. `utf-8`, `windows-1252`.
    public let name: String
    private let decoder: Decoder

    private enum Decoder: Sendable, Hashable {
        case utf8, ascii, windows1252
        /// A `String.Encoding` raw value that Foundation decodes.
        case foundation(UInt)
    }

    private init(_ name: String, _ decoder: Decoder) {
        self.name = name
        self.decoder = decoder
    }

    /// The charset called `name` (any case, surrounding quotes and white space ignored, an RFC 2231
    /// `*language` suffix dropped), or nil when it is not one this parser knows.
    public init?(named name: String) {
        var key = name.trimmingCharacters(in: .whitespaces).lowercased()
        if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
        if let star = key.firstIndex(of: "*") { key = String(key[..<star]) }
        guard let found = MailCharset.known[key] else { return nil }
        self = found
    }

    /// UTF-8.
    public static let utf8 = MailCharset("utf-8", .utf8)
    /// US-ASCII: bytes above 0x7F are not valid in it.
    public static let ascii = MailCharset("us-ascii", .ascii)
    /// Windows-1252, also used for Latin-1 (ISO-8859-1).
    public static let windows1252 = MailCharset("windows-1252", .windows1252)

    /// `bytes` as text, or nil when they are not valid in this charset.
    public func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String? {
        switch decoder {
        case .utf8:
            return String(validating: bytes, as: UTF8.self)
        case .ascii:
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        case .windows1252:
            return Windows1252.decode(bytes)
        case .foundation(let raw):
            if bytes.isEmpty { return "" }
            return String(bytes: Array(bytes), encoding: String.Encoding(rawValue: raw))
        }
    }

    /// The canonical name, e.g. `windows-1252`.
    public var description: String { name }

    /// Names (lower case) to charsets; aliases as IANA and the WHATWG Encoding Standard list them.
    private static let known: [String: MailCharset] = {
        var table: [String: MailCharset] = [:]
        func add(_ names: [String], _ charset: MailCharset) {
            for name in names { table[name] = charset }
        }
        add(["utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8"], .utf8)
        add(["us-ascii", "ascii", "ansi_x3.4-1968", "ansi-x3.4-1968", "iso-ir-6", "iso646-us", "us", "ibm367", "cp367", "csascii"], .ascii)
        add(
            [
                "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "iso_8859-1:1987", "latin1", "l1",
                "iso-ir-100", "ibm819", "cp819", "csisolatin1",
            ], .windows1252)
        // Foundation's raw values are 0x8000_0000 | the CoreFoundation encoding number.
        func foundation(_ name: String, _ cf: UInt, aliases: [String] = []) {
            add([name] + aliases, MailCharset(name, .foundation(0x8000_0000 | cf)))
        }
        let iso8859: [(Int, UInt, [String])] = [
            (2, 0x0202, ["latin2", "l2"]), (3, 0x0203, ["latin3", "l3"]), (4, 0x0204, ["latin4", "l4"]),
            (5, 0x0205, ["cyrillic"]), (6, 0x0206, ["arabic"]), (7, 0x0207, ["greek"]), (8, 0x0208, ["hebrew"]),
            (9, 0x0209, ["latin5", "l5"]), (10, 0x020A, ["latin6", "l6"]), (11, 0x020B, ["tis-620", "tis620"]),
            (13, 0x020D, ["latin7", "l7"]), (14, 0x020E, ["latin8", "l8"]), (15, 0x020F, ["latin9", "l9", "latin-9"]),
            (16, 0x0210, ["latin10", "l10"]),
        ]
        for (number, cf, aliases) in iso8859 {
            foundation("iso-8859-\(number)", cf, aliases: ["iso8859-\(number)", "iso_8859-\(number)", "iso8859\(number)"] + aliases)
        }
        for (number, cf) in [
            (1250, 0x0501), (1251, 0x0502), (1253, 0x0503), (1254, 0x0504), (1255, 0x0505), (1256, 0x0506), (1257, 0x0507), (1258, 0x0508),
        ] {
            foundation("windows-\(number)", UInt(cf), aliases: ["cp\(number)", "x-cp\(number)"])
        }
        foundation("koi8-r", 0x0A02, aliases: ["koi8r", "koi", "koi8", "cskoi8r"])
        foundation("koi8-u", 0x0A08, aliases: ["koi8u", "koi8-ru"])
        foundation("gb2312", 0x0930, aliases: ["euc-cn", "csgb2312", "x-gbk-euc", "chinese"])
        // GBK is a subset of GB 18030; Foundation on Linux decodes only the latter (WHATWG does the same).
        foundation("gb18030", 0x0632, aliases: ["gbk", "cp936", "windows-936", "x-gbk"])
        foundation("big5", 0x0A03, aliases: ["big-5", "csbig5", "x-x-big5", "cn-big5"])
        foundation("big5-hkscs", 0x0A06)
        foundation(
            "euc-kr", 0x0940, aliases: ["euckr", "cseuckr", "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949", "cp949"])
        foundation("shift_jis", 0x0A01, aliases: ["shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932"])
        foundation("iso-2022-jp", 0x0820, aliases: ["csiso2022jp"])
        foundation("iso-2022-kr", 0x0840, aliases: ["csiso2022kr"])
        foundation("ibm437", 0x0400, aliases: ["cp437", "437"])
        foundation("ibm850", 0x0410, aliases: ["cp850", "850"])
        foundation("utf-7", 0x0400_0100, aliases: ["utf7", "unicode-1-1-utf-7"])
        add(["utf-16be", "utf16be"], MailCharset("utf-16be", .foundation(0x9000_0100)))
        add(["utf-16le", "utf16le"], MailCharset("utf-16le", .foundation(0x9400_0100)))
        add(["utf-16", "utf16", "ucs-2"], MailCharset("utf-16", .foundation(String.Encoding.utf16.rawValue)))
        add(["utf-32be"], MailCharset("utf-32be", .foundation(0x9800_0100)))
        add(["utf-32le"], MailCharset("utf-32le", .foundation(0x9C00_0100)))
        add(["utf-32"], MailCharset("utf-32", .foundation(String.Encoding.utf32.rawValue)))
        return table
    }()
}

/// Text for display from bytes whose charset could not be used: UTF-8 with U+FFFD for what is
/// not valid.
func replacingDecode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
    String(decoding: bytes, as: UTF8.self)
}

/// Windows-1252 as the WHATWG Encoding Standard defines it: Latin-1 except 0x80–0x9F, where the
/// five bytes Windows leaves undefined map to the C1 control of the same value.
enum Windows1252 {
    private static let high: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    static func decode<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        // UTF-8 written directly: appending scalar by scalar to a String is many times slower.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            let value = (0x80..<0xA0).contains(byte) ? high[Int(byte) - 0x80] : UInt32(byte)
            if value < 0x80 {
                utf8.append(UInt8(value))
            } else if value < 0x800 {
                utf8.append(UInt8(0xC0 | (value >> 6)))
                utf8.append(UInt8(0x80 | (value & 0x3F)))
            } else {
                utf8.append(UInt8(0xE0 | (value >> 12)))
                utf8.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
                utf8.append(UInt8(0x80 | (value & 0x3F)))
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}

/// Header bytes as text: ASCII and UTF-8 as they are, anything else as Latin-1 (read as
/// Windows-1252). `wasLatin1` says the last happened.
func decodeHeaderBytes<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> (text: String, wasLatin1: Bool) {
    if let text = String(validating: bytes, as: UTF8.self) { return (text, false) }
    return (Windows1252.decode(bytes), true)
}
