/// Readable plain text from an HTML mail body, for reading and classifying it.
///
/// ```swift
/// HTMLText.plainText("<p>Hi&nbsp;Ann,</p><p>Thanks &#8212; see you<br>Bob</p>")
/// // "Hi Ann,\n\nThanks — see you\nBob"
/// ```
///
/// Not a browser: one pass over the bytes, linear in their number whatever they hold. Scripts,
/// styles, titles, templates and comments are dropped; paragraphs, headings, lists, tables and
/// other blocks become line breaks (a blank line around paragraphs and headings), `<br>` a line
/// break; white space is collapsed except inside `<pre>`; character references are decoded
/// (numeric ones, the 0x80–0x9F ones as Windows-1252 like browsers, and the common named ones;
/// unknown names stay as written). Non-breaking spaces become plain spaces.
public enum HTMLText {
    /// The readable text of `html`, trimmed, with at most one blank line in a row.
    public static func plainText(_ html: String) -> String {
        var converter = Converter(Array(html.utf8))
        converter.run()
        return converter.result()
    }

    private static let droppedElements: Set<String> = ["script", "style", "title", "template", "head"]
    private static let paragraphElements: Set<String> = [
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "dl", "hr",
    ]
    private static let lineElements: Set<String> = [
        "div", "tr", "li", "dt", "dd", "section", "article", "header", "footer", "nav", "aside", "address", "form", "fieldset",
        "figure", "figcaption", "main", "caption", "center", "body", "html", "tbody", "thead", "tfoot",
    ]

    private struct Converter {
        let input: [UInt8]
        var index = 0
        var output: [UInt8] = []
        var pendingSpace = false
        var pendingBreaks = 0
        var preDepth = 0
        /// Set once a `>` was looked for and none follows: every later `<` is text.
        var noMoreTagEnds = false
        /// Needles looked for and not found: they are not found later either, so no search is
        /// repeated to the end of the input.
        var absent: Set<[UInt8]> = []

        init(_ input: [UInt8]) {
            self.input = input
            output.reserveCapacity(input.count / 2)
        }

        mutating func run() {
            while index < input.count {
                let byte = input[index]
                if byte == UInt8(ascii: "<") {
                    if !tag() {
                        text(byte)
                        index += 1
                    }
                } else if byte == UInt8(ascii: "&") {
                    entity()
                } else {
                    text(byte)
                    index += 1
                }
            }
        }

        func result() -> String {
            String(decoding: output, as: UTF8.self)
        }

        // MARK: Output

        mutating func text(_ byte: UInt8) {
            if isASCIIWhitespace(byte) || byte == 0x0C {
                if preDepth > 0 {
                    if byte == UInt8(ascii: "\n") {
                        lineBreak(1, forced: true)
                    } else if byte != UInt8(ascii: "\r") {
                        flushPending()
                        output.append(byte)
                    }
                } else {
                    pendingSpace = true
                }
                return
            }
            flushPending()
            output.append(byte)
        }

        mutating func emit(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                if byte == 0x20 && preDepth == 0 {
                    pendingSpace = true
                } else {
                    flushPending()
                    output.append(byte)
                }
            }
        }

        mutating func flushPending() {
            if pendingBreaks > 0 {
                if !output.isEmpty { output.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: pendingBreaks)) }
            } else if pendingSpace, let last = output.last, last != UInt8(ascii: "\n") {
                output.append(0x20)
            }
            pendingBreaks = 0
            pendingSpace = false
        }

        /// Asks for `count` line breaks before the next text (at most 2: one blank line). A forced
        /// break (`<br>`, a newline in `<pre>`) adds to those asked for; a block's does not.
        mutating func lineBreak(_ count: Int, forced: Bool = false) {
            pendingBreaks = min(2, forced ? pendingBreaks + count : max(pendingBreaks, count))
            pendingSpace = false
        }

        // MARK: Markup

        /// Reads the markup at `<`; false when it is not markup (then the `<` is text).
        mutating func tag() -> Bool {
            let start = index
            guard start + 1 < input.count else { return false }
            let next = input[start + 1]
            if next == UInt8(ascii: "!") {
                if input[(start + 2)...].starts(with: Array("--".utf8)) {
                    index = find(Array("-->".utf8), from: start + 4).map { $0 + 3 } ?? input.count
                } else {
                    index = tagEnd(from: start + 2) ?? input.count
                }
                return true
            }
            if next == UInt8(ascii: "?") {
                index = tagEnd(from: start + 2) ?? input.count
                return true
            }
            let closing = next == UInt8(ascii: "/")
            var nameStart = start + 1
            if closing { nameStart += 1 }
            var nameEnd = nameStart
            while nameEnd < input.count, isNameByte(input[nameEnd]) { nameEnd += 1 }
            guard nameEnd > nameStart, isLetter(input[nameStart]) else { return false }
            guard let end = tagEnd(from: nameEnd) else { return false }
            let name = String(decoding: input[nameStart..<nameEnd], as: UTF8.self).lowercased()
            index = end
            element(name, closing: closing)
            return true
        }

        mutating func element(_ name: String, closing: Bool) {
            if !closing, HTMLText.droppedElements.contains(name) {
                // Everything up to the closing tag goes; `<head>` without one ends at `<body>`.
                let closingTag = Array("</\(name)".utf8)
                if let close = find(closingTag, from: index) {
                    index = tagEnd(from: close + closingTag.count) ?? input.count
                } else if name == "head" {
                    index = find(Array("<body".utf8), from: index) ?? index
                } else if name != "title" {
                    index = input.count
                }
                return
            }
            switch name {
            case "br":
                lineBreak(1, forced: true)
            case "pre":
                lineBreak(2)
                preDepth = max(0, preDepth + (closing ? -1 : 1))
            case "li" where !closing:
                lineBreak(1)
            case "td", "th":
                pendingSpace = true
            case "img":
                break
            default:
                if HTMLText.paragraphElements.contains(name) {
                    lineBreak(2)
                } else if HTMLText.lineElements.contains(name) {
                    lineBreak(1)
                }
            }
        }

        /// The index after the `>` that ends a tag, looking from `position`; nil when none follows.
        mutating func tagEnd(from position: Int) -> Int? {
            guard !noMoreTagEnds, position <= input.count else { return nil }
            if let end = input[position...].firstIndex(of: UInt8(ascii: ">")) { return end + 1 }
            noMoreTagEnds = true
            return nil
        }

        /// ``findIgnoringCase(_:from:)``, remembering the needles that are not there.
        mutating func find(_ needle: [UInt8], from position: Int) -> Int? {
            if absent.contains(needle) { return nil }
            if let found = findIgnoringCase(needle, from: position) { return found }
            absent.insert(needle)
            return nil
        }

        /// The first place at or after `position` where `needle` (ASCII) occurs, ignoring case.
        /// Needles are short, so the scan is linear in the input.
        func findIgnoringCase(_ needle: [UInt8], from position: Int) -> Int? {
            guard let first = needle.first, position < input.count else { return nil }
            let lowerFirst = lowercase(first)
            var candidate = position
            while candidate + needle.count <= input.count {
                if lowercase(input[candidate]) == lowerFirst {
                    var matched = true
                    for offset in 1..<needle.count where lowercase(input[candidate + offset]) != lowercase(needle[offset]) {
                        matched = false
                        break
                    }
                    if matched { return candidate }
                }
                candidate += 1
            }
            return nil
        }

        // MARK: Character references

        mutating func entity() {
            let start = index
            var end = start + 1
            while end < input.count, end - start <= 32, isNameByte(input[end]) || input[end] == UInt8(ascii: "#") { end += 1 }
            let body = input[(start + 1)..<end]
            let hasSemicolon = end < input.count && input[end] == UInt8(ascii: ";")
            var decoded: String?
            if body.first == UInt8(ascii: "#") {
                decoded = numericReference(body.dropFirst())
            } else if let named = namedReferences[String(decoding: body, as: UTF8.self)] {
                decoded = named
            }
            guard let decoded, !body.isEmpty else {
                text(UInt8(ascii: "&"))
                index = start + 1
                return
            }
            index = hasSemicolon ? end + 1 : end
            emit(decoded.utf8)
        }

        func numericReference(_ digits: ArraySlice<UInt8>) -> String? {
            var digits = digits
            var radix = 10
            if let first = digits.first, first == UInt8(ascii: "x") || first == UInt8(ascii: "X") {
                radix = 16
                digits = digits.dropFirst()
            }
            guard !digits.isEmpty, digits.count <= 8, let value = UInt32(String(decoding: digits, as: UTF8.self), radix: radix) else { return nil }
            if (0x80..<0xA0).contains(value) { return Windows1252.decode([UInt8(value)]) }
            if value == 0xA0 { return " " }
            guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
            return String(Character(scalar))
        }

        func isNameByte(_ byte: UInt8) -> Bool {
            isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }

        func isLetter(_ byte: UInt8) -> Bool {
            (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
        }

        func lowercase(_ byte: UInt8) -> UInt8 {
            byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
        }
    }

    /// The named references mail bodies use; HTML knows some two thousand more.
    private static let namedReferences: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "AMP": "&", "LT": "<", "GT": ">", "QUOT": "\"",
        "copy": "©", "reg": "®", "trade": "™", "mdash": "—", "ndash": "–", "hellip": "…", "lsquo": "‘", "rsquo": "’",
        "ldquo": "“", "rdquo": "”", "sbquo": "‚", "bdquo": "„", "laquo": "«", "raquo": "»", "bull": "•", "middot": "·",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶", "deg": "°", "plusmn": "±", "times": "×",
        "divide": "÷", "frac12": "½", "frac14": "¼", "frac34": "¾", "shy": "\u{AD}", "zwnj": "\u{200C}", "zwj": "\u{200D}",
        "ensp": " ", "emsp": " ", "thinsp": " ", "iexcl": "¡", "iquest": "¿", "dagger": "†", "Dagger": "‡", "permil": "‰",
        "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "hearts": "♥", "check": "✓",
        "agrave": "à", "aacute": "á", "acirc": "â", "atilde": "ã", "auml": "ä", "aring": "å", "aelig": "æ", "ccedil": "ç",
        "egrave": "è", "eacute": "é", "ecirc": "ê", "euml": "ë", "igrave": "ì", "iacute": "í", "icirc": "î", "iuml": "ï",
        "ntilde": "ñ", "ograve": "ò", "oacute": "ó", "ocirc": "ô", "otilde": "õ", "ouml": "ö", "oslash": "ø", "ugrave": "ù",
        "uacute": "ú", "ucirc": "û", "uuml": "ü", "yacute": "ý", "yuml": "ÿ", "szlig": "ß",
        "Agrave": "À", "Aacute": "Á", "Acirc": "Â", "Atilde": "Ã", "Auml": "Ä", "Aring": "Å", "AElig": "Æ", "Ccedil": "Ç",
        "Egrave": "È", "Eacute": "É", "Ecirc": "Ê", "Euml": "Ë", "Igrave": "Ì", "Iacute": "Í", "Icirc": "Î", "Iuml": "Ï",
        "Ntilde": "Ñ", "Ograve": "Ò", "Oacute": "Ó", "Ocirc": "Ô", "Otilde": "Õ", "Ouml": "Ö", "Oslash": "Ø", "Ugrave": "Ù",
        "Uacute": "Ú", "Ucirc": "Û", "Uuml": "Ü", "Yacute": "Ý",
    ]
}
