import NightshiftMail
import Testing

/// HTML bodies made readable for the classifier: scripts and styles dropped, blocks and `<br>` as
/// line breaks, entities decoded, linear on hostile input.
@Suite("HTML to text")
struct HTMLTextTests {
    @Test("paragraphs become blank lines, <br> a line break, white space collapses")
    func blocksAndBreaks() {
        let html = "<html><body><p>Hello   Ann,</p>\n<p>See\nyou<br>tomorrow.</p><div>Bob</div></body></html>"
        #expect(HTMLText.plainText(html) == "Hello Ann,\n\nSee you\ntomorrow.\n\nBob")
    }

    @Test("script, style, title and comments are dropped with their content")
    func droppedContent() {
        let html = """
            <head><title>Newsletter</title><style>p { color: red }</style></head>
            <body><!-- tracking --><script>alert("x < y")</script><p>Visible</p></body>
            """
        #expect(HTMLText.plainText(html) == "Visible")
    }

    @Test("named, decimal and hexadecimal references decode; unknown names stay")
    func entities() {
        let html = "Caf&eacute; &amp; more &#8212; &#x1F600; &nbsp;x&lt;y&gt; &bogus; &#150; AT&T"
        #expect(HTMLText.plainText(html) == "Café & more — 😀 x<y> &bogus; – AT&T")
    }

    @Test("list items and table rows each start a line")
    func listsAndTables() {
        let html = "<ul><li>one</li><li>two</li></ul><table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
        #expect(HTMLText.plainText(html) == "one\ntwo\n\na b\nc")
    }

    @Test("<pre> keeps its white space and line breaks")
    func preformatted() {
        let html = "<p>Code:</p><pre>let x  = 1\n    y</pre>after"
        #expect(HTMLText.plainText(html) == "Code:\n\nlet x  = 1\n    y\n\nafter")
    }

    @Test("a < that starts no tag is text, and an unclosed tag or comment does not hang")
    func strayMarkup() {
        #expect(HTMLText.plainText("1 < 2 and 3 <= 4") == "1 < 2 and 3 <= 4")
        #expect(HTMLText.plainText("text <b unclosed") == "text <b unclosed")
        #expect(HTMLText.plainText("before<!-- never closed") == "before")
    }

    @Test("many unclosed tags and titles stay linear")
    func hostileInputIsLinear() {
        let tags = String(repeating: "<a ", count: 100_000)
        #expect(HTMLText.plainText(tags).hasPrefix("<a <a"))
        let titles = String(repeating: "<title>x", count: 50_000)
        #expect(HTMLText.plainText(titles).hasPrefix("x"))
    }
}
