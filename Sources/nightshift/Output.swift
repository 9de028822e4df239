import Foundation
import NightshiftApp
import NightshiftCore

/// Prints results: JSON for `--json`, aligned text tables otherwise.
enum Output {
    /// Prints a view as ``JSONContract`` encodes it.
    static func json<T: Encodable>(_ value: T) throws {
        print(String(decoding: try JSONContract.encode(value), as: UTF8.self))
    }

    /// Prints a JSON value as it is (its keys are not converted: they are the output's own).
    static func printJSON(_ value: JSONValue) {
        print(String(decoding: JSONContract.encode(value), as: UTF8.self))
    }

    /// Prints rows as columns separated by two spaces; the last column is not padded.
    static func table(_ header: [String], _ rows: [[String]]) {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        for row in all {
            let cells = row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }
            print(cells.joined(separator: "  "))
        }
    }

    static func time(_ date: Date?, _ zone: TimeZone) -> String {
        guard let date else { return "-" }
        return ISO8601.format(date, in: zone)
    }

    static func duration(_ run: RunRecord) -> String {
        run.duration.map(Journal.durationString) ?? "-"
    }

    static func oneLine(_ text: String?, max: Int = 80) -> String {
        guard let text, !text.isEmpty else { return "" }
        let line = text.replacingOccurrences(of: "\n", with: " ⏎ ")
        return line.count > max ? String(line.prefix(max - 1)) + "…" : line
    }
}

