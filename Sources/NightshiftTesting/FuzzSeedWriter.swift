public import Foundation

/// Writes a fuzz target's seeds as a libFuzzer corpus (one file each) and its dictionary in
/// libFuzzer's format (`"token"` lines), for `scripts/fuzz`.
public enum FuzzSeedWriter {
    public static func write(_ target: FuzzTarget, to folder: String) {
        write(seeds: target.seeds, dictionary: target.dictionary, to: folder)
    }

    public static func write(seeds: [String], dictionary: [String], to folder: String) {
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (index, seed) in seeds.enumerated() {
            try? Data(seed.utf8).write(to: URL(fileURLWithPath: "\(folder)/seed-\(index)"))
        }
        let lines = dictionary.map { token in
            "\"" + token.utf8.map { byte in
                byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                    ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
            }.joined() + "\""
        }
        try? Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(folder).dict"))
    }
}
