import CZlib
import Foundation

/// Rotates a log file in place: its contents go to `FILE.gz` (or `FILE.N.gz`, the first free N)
/// and the file is truncated, so a process appending to it keeps writing to the same file.
enum LogRotation {
    /// Gzips `path` next to itself and truncates it. Returns nil on success, else why not; on
    /// failure the original is left as it was.
    static func gzip(_ path: String) -> String? {
        let manager = FileManager.default
        var target = path + ".gz"
        var number = 1
        while manager.fileExists(atPath: target) {
            target = "\(path).\(number).gz"
            number += 1
        }
        guard let input = FileHandle(forReadingAtPath: path) else { return "cannot read the file" }
        defer { try? input.close() }
        let partial = target + ".partial"
        guard let output = gzopen(partial, "wb9") else { return "cannot create \(partial)" }
        var failure: String?
        while failure == nil {
            let chunk = input.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            let written = chunk.withUnsafeBytes { gzwrite(output, $0.baseAddress, UInt32($0.count)) }
            if written != Int32(chunk.count) { failure = "writing \(partial) failed" }
        }
        if gzclose(output) != Z_OK, failure == nil { failure = "closing \(partial) failed" }
        if failure == nil {
            do {
                try manager.moveItem(atPath: partial, toPath: target)
                guard truncate(path, 0) == 0 else { return "gzipped to \(target) but could not truncate the file" }
                return nil
            } catch {
                failure = "\(error.localizedDescription)"
            }
        }
        try? manager.removeItem(atPath: partial)
        return failure
    }
}
