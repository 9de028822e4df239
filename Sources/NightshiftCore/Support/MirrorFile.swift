import Foundation

/// Writes a file that only mirrors what is durable elsewhere (a cycle run's step outputs, which the
/// store holds; the pid of the step running now, which matters only while this machine stays up).
///
/// The text goes to a temporary file beside `path` that is then renamed over it, so a reader sees
/// the old text or the new, never a mix. Unlike `Data.write(options: .atomic)`, which syncs its
/// temporary file to the disk on Linux, nothing is synced: after a power loss the file may be old,
/// empty or missing, and whoever needs it writes it again from what it mirrors.
enum MirrorFile {
    /// Replaces the file at `path` with `text`. Returns false when it could not (the file is then unchanged).
    @discardableResult
    static func replace(_ path: String, with text: String) -> Bool {
        let temporary = "\(path).\(UUID().uuidString).tmp"
        let handle = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard handle >= 0 else { return false }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(handle, $0.baseAddress, $0.count) }
        close(handle)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }
}
