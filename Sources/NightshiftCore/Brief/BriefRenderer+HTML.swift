import Foundation

extension BriefRenderer {
    /// The brief as a complete, self-contained HTML document (inline style, no scripts, no
    /// external assets), every text escaped. A quiet brief's body is its one line.
    public static func html(_ brief: Brief) -> String {
        var body: [String] = []
        if brief.isQuiet {
            body.append("<p class=\"summary\">\(htmlEscaped(brief.summary))</p>")
        } else {
            body += [
                "<h1>\(htmlEscaped(heading(brief)))</h1>",
                "<p class=\"period\">\(htmlEscaped(periodLine(brief)))</p>",
                "<p class=\"summary\">\(htmlEscaped(brief.summary))</p>",
            ]
            for section in brief.sections where !section.isEmpty {
                body.append("<section id=\"\(htmlEscaped(section.id))\">")
                body.append("<h2>\(htmlEscaped(section.title))</h2>")
                body.append("<ul>")
                body += section.lines.map { "<li>\(htmlEscaped($0))</li>" }
                body.append("</ul>")
                body.append("</section>")
            }
        }
        let title = "\(heading(brief)), \(brief.period.dateTime(brief.period.until))"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(htmlEscaped(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    /// `text` safe inside an element or a double- or single-quoted attribute.
    static func htmlEscaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// A few rules that read well in a browser and in mail clients.
    private static let style = [
        "body{font-family:system-ui,-apple-system,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#1d1d1f}",
        "h1{font-size:1.4rem;margin-bottom:.2rem}",
        "h2{font-size:1.1rem;margin:1.6rem 0 .4rem}",
        ".period{color:#666;margin-top:0}",
        ".summary{font-weight:600}",
        "li{margin:.3rem 0}",
    ].joined()
}
