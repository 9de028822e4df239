import Foundation
import NightshiftTesting
import Testing

@testable import NightshiftCore

/// The shell parser behind `runs` and `runs_only`: it finds every simple command of a line, and
/// refuses (never guesses) what it does not understand.
@Suite("Shell parser: simple commands across operators, quoting and substitutions; refusals; fuzzing")
struct ShellParserTests {
    /// Every simple command of `line` as its words (`display`), in the order the walk lists them
    /// (a substitution before the command that holds it, wrappers' commands after them).
    static func commands(_ line: String) throws -> [String] {
        let action = ProposedAction(type: "t", attributes: ["command": .string(line)], actor: Actor(.cli, "operator"))
        let analysis = try #require(CommandAnalysis(action))
        #expect(analysis.problems.isEmpty, "\(line): \(analysis.problems)")
        return analysis.invocations.map { $0.words.map(\.display).joined(separator: " ") }
    }

    @Test("lines split into their simple commands", arguments: [
        ("npm test", ["npm test"]),
        ("git status && git diff", ["git status", "git diff"]),
        ("a || b; c & d\ne", ["a", "b", "c", "d", "e"]),
        ("ls | grep x | wc -l", ["ls", "grep x", "wc -l"]),
        ("(cd / && rm -rf .)", ["cd /", "rm -rf ."]),
        ("{ a; b; } > /dev/null", ["a", "b"]),
        ("echo $(date) `whoami`", ["date", "whoami", "echo $(…) $(…)"]),
        ("echo \"$(rm -rf /)\"", ["rm -rf /", "echo $(…)"]),
        ("r\\m -rf /", ["rm -rf /"]),
        ("'rm' \"-rf\" /", ["rm -rf /"]),
        ("X=1 Y=2 make", ["make"]),
        ("! grep -q x f", ["grep -q x f"]),
        ("a 2>&1 >out <in", ["a"]),
        ("echo a#b # a comment", ["echo a#b"]),
        ("echo \\\nmore", ["echo more"]),
        ("bash -c 'rm -rf /'", ["bash -c rm -rf /", "rm -rf /"]),
        ("sh -ec \"cd /; ls\"", ["sh -ec cd /; ls", "cd /", "ls"]),
        ("eval 'a && b'", ["eval a && b", "a", "b"]),
        ("sudo -u root nice -n 5 rm x", ["sudo -u root nice -n 5 rm x", "nice -n 5 rm x", "rm x"]),
        ("env -i -- A=1 rm x", ["env -i -- A=1 rm x", "rm x"]),
        ("env -i A=1 rm x", ["env -i A=1 rm x", "rm x"]),
        ("timeout -s KILL 5 rm x", ["timeout -s KILL 5 rm x", "rm x"]),
        ("ls | xargs -0 rm -f", ["ls", "xargs -0 rm -f", "rm -f input of xargs"]),
        ("find . -name '*.o' -exec rm {} + -print", ["find . -name *.o -exec rm {} + -print", "rm {}"]),
        ("", []),
    ])
    func splits(_ line: String, _ expected: [String]) throws {
        #expect(try Self.commands(line) == expected, "\(line)")
    }

    @Test("what the parser does not understand is refused, not guessed", arguments: [
        "rm -rf / '", "echo \"unterminated", "echo $(ls", "echo `ls", "echo ${HOME", "a &&", "| b", "a ;; b", "(a", "a)", "{ a; ",
        "if true; then rm -rf /; fi", "for f in *; do rm $f; done", "while true; do :; done", "case x in x) rm -rf /;; esac",
        "f() { rm -rf /; }; f", "cat <<EOF\nrm -rf /\nEOF", "diff <(ls) <(ls /)", "echo >(rm -rf /)", "(( x = 1 ))", "a=(1 2)",
        "echo ${X:-$(rm -rf /)}", "echo $(( $(rm -rf /) ))", "echo $[1+1]", "[[ -f x ]] && rm -rf /", "a\\",
        String(repeating: "(", count: 40) + "a" + String(repeating: ")", count: 40),
    ])
    func refuses(_ line: String) {
        #expect(throws: ShellParseError.self, "\(line)") { try ShellParser.parse(line) }
    }

    @Test("words keep what the policy needs: literals, globs, ~, $HOME and the unknown")
    func words() throws {
        func word(_ text: String) throws -> ShellWord {
            let script = try ShellParser.parse("x " + text)
            guard case .simple(let command) = script.items[0].first.commands[0] else { throw ShellParseError(message: "not simple", offset: 0) }
            return command.words[1]
        }
        #expect(try word("'a b'\"c\"\\d").literal == "a bcd")
        #expect(try word("/*").literal == nil && (try word("/*").hasGlob))
        #expect(try word("'/*'").literal == "/*")
        #expect(try word("[ab]").hasGlob && !(try word("[").hasGlob))
        #expect(try word("~/x").paths(in: [.start]) == [CommandPath(.home, ["x"])])
        #expect(try word("\"$HOME\"/..").paths(in: [.start]) == [CommandPath(.home, [".."])])
        #expect(try word("${HOME}").paths(in: [.start]) == [CommandPath.home])
        #expect(try word("~root").paths(in: [.start]) == nil)
        #expect(try word("~+").paths(in: [.start]) == nil)
        #expect(try word("$'\\x72m'").literal == nil)
        #expect(try word("{rm,-rf,/}").literal == nil)
        #expect(try word("{}").literal == "{}")
        #expect(try word("/a/./b//../c/").paths(in: [.start]) == [CommandPath(.root, ["a", "c"])])
        #expect(try word("/u*/../x").paths(in: [.start]) == [CommandPath.root])
        #expect(try word("\"\"").literal == "")
    }

    @Test("cd moves the rest of the line: certainly after &&, maybe after ;, never out of a subshell or a pipeline")
    func folders() throws {
        func cwd(_ line: String, start: String = "/a/b") throws -> Set<String> {
            let action = ProposedAction(
                type: "t", attributes: ["command": .string(line + "\npwd"), "cwd": .string(start)], actor: Actor(.cli, "operator"))
            let analysis = try #require(CommandAnalysis(action))
            return Set(try #require(analysis.invocations.last).cwd.map(\.description))
        }
        #expect(try cwd("cd / && true") == ["/", "/a/b"])
        #expect(try cwd("cd ..; cd ..") == ["/", "/a", "/a/b"])
        #expect(try cwd("(cd /)") == ["/a/b"])
        #expect(try cwd("cd / | true") == ["/a/b"])
        #expect(try cwd("cd / &") == ["/a/b"])
        #expect(try cwd("{ cd /; }") == ["/", "/a/b"])
        #expect(try cwd("cd") == ["~/", "/a/b"])
        #expect(try cwd("cd \"$DIR\"") == ["?/", "/a/b"])
        #expect(try cwd("cd x || cd y") == ["/a/b/x", "/a/b/y", "/a/b"])
        #expect(try cwd("cd x", start: "rel") == ["./rel/x", "./rel"])
    }

    @Test("random lines never crash or hang the parser (fixed seed, 3,000 lines)")
    func fuzz() {
        var generator = SeededGenerator(seed: 0x5e11)
        let alphabet = Array("rm -f/~$`'\"\\(){};&|<>!#*?[]=\n\tabcx0 2,.:@é")
        let fragments = ["$(", "`", "${", "$((", "<<", "<(", "&&", "||", ";;", "sh -c '", "eval ", "sudo ", "xargs ", "cd ..; ", "'", "\""]
        let clock = ContinuousClock()
        let started = clock.now
        var parsed = 0
        for _ in 0..<3_000 {
            var line = ""
            for _ in 0..<Int.random(in: 0...80, using: &generator) {
                if Int.random(in: 0..<6, using: &generator) == 0 {
                    line += fragments.randomElement(using: &generator)!
                } else {
                    line.append(alphabet.randomElement(using: &generator)!)
                }
            }
            ShellParser.fuzz(line)
            let action = ProposedAction(type: "t", attributes: ["command": .string(line)], actor: Actor(.cli, "operator"))
            if let analysis = CommandAnalysis(action), analysis.problems.isEmpty { parsed += 1 }
        }
        #expect(parsed > 100, "some random lines parse, so the walk is exercised too")
        #expect(clock.now - started < .seconds(10))
    }

    @Test("deep nesting, long lines and many commands end in a refusal, not a crash")
    func limits() {
        let deep = String(repeating: "$(", count: 5_000) + String(repeating: ")", count: 5_000)
        #expect(throws: ShellParseError.self) { try ShellParser.parse(deep) }
        let nested = String(repeating: "eval ", count: 40) + "rm -rf /"
        let action = ProposedAction(type: "t", attributes: ["command": .string(nested)], actor: Actor(.cli, "operator"))
        #expect(CommandAnalysis(action)?.invocations.contains { $0.problem != nil } == true)
        #expect(throws: ShellParseError.self) { try ShellParser.parse(String(repeating: "a", count: ShellParser.maxLength + 1)) }
        let many = Array(repeating: "true", count: 10_000).joined(separator: ";")
        let manyAction = ProposedAction(type: "t", attributes: ["command": .string(many)], actor: Actor(.cli, "operator"))
        #expect(CommandAnalysis(manyAction)?.problems.isEmpty == false)
    }
}
