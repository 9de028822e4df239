import Foundation
import NightshiftCore

/// A pack command run on a text written to a file of its own — the intel command on a note, the
/// reply classifier on a reply: the file's path replaces `placeholder` in the command's arguments
/// and is in the variable `variable`; the file is removed once the command ended. Returns the
/// command's result (its `NIGHTSHIFT_OUTPUT` line is the caller's to read).
enum CommandOnText {
    static func run(
        _ command: [String], text: String, file: String, placeholder: String, variable: String, naming what: String, context: ActionContext
    ) async -> ActionResult {
        guard let executor = context.executor else { return .failure("this process cannot run the \(what)") }
        do {
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            return .failure("the text could not be written for the \(what): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: file) }
        var textContext = context
        textContext.runEnvironment[variable] = file
        let argv = command.map { $0.replacingOccurrences(of: placeholder, with: file) }
        return await executor.execute(.command(CommandAction(program: .argv(argv))), context: textContext)
    }
}
