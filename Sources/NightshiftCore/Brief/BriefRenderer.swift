public import Foundation

/// Turns a ``Brief`` into text: Markdown for `reports/` and the terminal, HTML for mail and the
/// dashboard, JSON for `--format json`, and a short plain text for chat webhooks.
///
/// A quiet brief (``Brief/isQuiet``) renders as its one quiet-night line in every format (JSON
/// says `"quiet": true` with the line as `summary` and no sections).
public enum BriefRenderer {
    /// The most characters a Discord webhook's `content` may have.
    public static let discordLimit = 2000
    /// The most characters a Slack message's `text` shows before Slack cuts it.
    public static let slackLimit = 40_000

    /// The brief as Markdown: a heading, the period, the summary, then one `##` section each with
    /// its lines as a list. Lines are escaped, so an error message cannot inject Markdown or HTML.
    public static func markdown(_ brief: Brief) -> String {
        guard !brief.isQuiet else { return brief.summary + "\n" }
        var lines = ["# \(markdownEscaped(heading(brief)))", "", markdownEscaped(periodLine(brief)), "", markdownEscaped(brief.summary)]
        for section in brief.sections {
            lines += ["", "## \(markdownEscaped(section.title))", ""]
            lines += section.lines.map { "- \(markdownEscaped($0))" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The brief as JSON text: pretty-printed, keys sorted, instants in ISO 8601 with the brief
    /// zone's offset. See ``jsonValue(_:)`` for the shape.
    public static func json(_ brief: Brief) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(jsonValue(brief))) ?? Data(), as: UTF8.self) + "\n"
    }

    /// The brief as a JSON value: `workspace`, `generated_at`, `period` (`since`, `until`,
    /// `time_zone`), `quiet`, `summary`, `counts`, and `sections`, each with `id`, `title`,
    /// `rank`, `lines` and `items`.
    public static func jsonValue(_ brief: Brief) -> JSONValue {
        let period = brief.period
        return .object([
            "workspace": .string(brief.workspaceName),
            "generated_at": .string(period.stamp(brief.generatedAt)),
            "period": .object([
                "since": .string(period.stamp(period.since)), "until": .string(period.stamp(period.until)),
                "time_zone": .string(TimeZones.displayName(period.timeZone)),
            ]),
            "quiet": .bool(brief.isQuiet),
            "summary": .string(brief.summary),
            "counts": brief.counts.json,
            "sections": .array(brief.sections.filter { !$0.isEmpty }.map { section in
                .object([
                    "id": .string(section.id), "title": .string(section.title), "rank": .integer(Int64(section.rank)),
                    "lines": .array(section.lines.map(JSONValue.string)), "items": section.items,
                ])
            }),
        ])
    }

    /// The brief as compact plain text for a chat message: a heading line, the summary, then
    /// each section's title and its lines as `- ` items.
    public static func chatText(_ brief: Brief) -> String {
        guard !brief.isQuiet else { return brief.summary }
        var lines = [heading(brief), brief.summary]
        for section in brief.sections {
            lines += ["", section.title]
            lines += section.lines.map { "- \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// A JSON body both Slack incoming webhooks and Discord webhooks accept: `text` for Slack
    /// (with `&`, `<` and `>` escaped as Slack asks) and `content` for Discord, cut at whole
    /// lines to ``discordLimit`` characters with a note saying how much was left out. Each
    /// service ignores the other's field.
    public static func webhookBody(_ brief: Brief) -> Data {
        let text = chatText(brief)
        let slack = truncated(text, limit: slackLimit)
            .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        let body = JSONValue.object(["text": .string(slack), "content": .string(truncated(text, limit: discordLimit))])
        return Data(body.canonical.utf8)
    }

    /// `text` when it has at most `limit` characters (counted in UTF-16 units, as the chat
    /// services count), else as many whole lines as fit with a note of how many were left out.
    static func truncated(_ text: String, limit: Int) -> String {
        guard text.utf16.count > limit else { return text }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func note(_ left: Int) -> String {
            "… \(BriefCounts.count(left, "more line")) not shown: run nightshift brief for the whole brief."
        }
        var kept: [Substring] = [], used = 0
        for line in lines {
            let cost = line.utf16.count + 1
            guard used + cost + note(lines.count - kept.count - 1).utf16.count <= limit else { break }
            kept.append(line)
            used += cost
        }
        if kept.isEmpty {
            // One line longer than the limit: cut it by characters.
            var first = ""
            let room = limit - note(lines.count - 1).utf16.count - 2
            for character in lines[0] where first.utf16.count + character.utf16.count <= room { first.append(character) }
            return first + "…\n" + note(lines.count - 1)
        }
        return kept.joined(separator: "\n") + "\n" + note(lines.count - kept.count)
    }

    /// `Nightshift brief: WORKSPACE`.
    static func heading(_ brief: Brief) -> String {
        "Nightshift brief: \(brief.workspaceName)"
    }

    /// `2026-11-20 23:00 to 2026-11-21 07:00 (Europe/Berlin), generated 2026-11-21 07:00.`
    static func periodLine(_ brief: Brief) -> String {
        let period = brief.period
        return "\(period.dateTime(period.since)) to \(period.dateTime(period.until)) (\(TimeZones.displayName(period.timeZone))), "
            + "generated \(period.dateTime(brief.generatedAt))."
    }

    /// `text` with the characters that Markdown or inline HTML would act on backslash-escaped:
    /// an underscore only where it could start or end emphasis (not inside `send_email`), `#`,
    /// `-` and `+` only at the start.
    static func markdownEscaped(_ text: String) -> String {
        let characters = Array(text)
        var out = ""
        for (index, character) in characters.enumerated() {
            switch character {
            case "\\", "`", "*", "<", ">", "[", "]", "|", "~":
                out.append("\\")
            case "#" where index == 0, "-" where index == 0, "+" where index == 0:
                // At the start of a list item these would open a heading or a nested list.
                out.append("\\")
            case "_":
                let before = index > 0 ? characters[index - 1] : " ", after = index + 1 < characters.count ? characters[index + 1] : " "
                if !(before.isLetter || before.isNumber) || !(after.isLetter || after.isNumber) { out.append("\\") }
            default:
                break
            }
            out.append(character)
        }
        return out
    }
}
