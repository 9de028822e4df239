public import Foundation

/// Appends text to a file with one `write` on a descriptor opened with `O_APPEND`, so that several
/// processes (the daemon, the CLI, a step's own output) can add to the same file without splitting
/// one another's lines.
public enum AppendOnlyFile {
    /// Appends `text` to `path`, creating the file and its folder when missing.
    /// - Throws: the `errno` of the open or write that failed.
    public static func append(_ text: String, to path: String) throws(AppendError) {
        var handle = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        // The folder is created only when it is missing: a cycle appends a line per step.
        if handle < 0, errno == ENOENT {
            try? FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            handle = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        }
        guard handle >= 0 else { throw AppendError(path: path, errno: errno) }
        defer { close(handle) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(handle, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw AppendError(path: path, errno: errno) }
    }
}

/// A file could not be appended to.
public struct AppendError: Error, CustomStringConvertible {
    public var path: String
    public var errno: Int32
    public var description: String { "\(path): cannot append (\(String(cString: strerror(errno))))" }
}
