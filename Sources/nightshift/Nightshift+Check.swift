import ArgumentParser
import NightshiftApp
import NightshiftCore

extension Nightshift {
    /// Parses `arguments` as a command line, and checks what can be checked without a workspace:
    /// the action of `propose` and `policy explain` (attributes and JSON payload). Returns nil when
    /// the arguments were accepted or refused with a message, else what went wrong. The fuzz suites
    /// (Tests/NightshiftCLITests, Fuzz/FuzzCLI) feed it random argv; nothing is run.
    static func checkParsing(_ arguments: [String]) -> String? {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            // `message(for:)`, not `fullMessage(for:)`: the usage text it adds is the same for every input.
            return message(for: error).isEmpty && exitCode(for: error) != .success ? "a refusal without a message: \(error)" : nil
        }
        let action: ActionArguments? = (command as? ProposeCommand)?.arguments ?? (command as? PolicyCommand.Explain)?.arguments
        guard let action else { return nil }
        do {
            _ = try action.action()
        } catch let error as AppError {
            return error.message.isEmpty ? "an AppError without a message" : nil
        } catch {
            return "the action was refused with \(type(of: error)), not a usage error: \(error)"
        }
        return nil
    }
}
