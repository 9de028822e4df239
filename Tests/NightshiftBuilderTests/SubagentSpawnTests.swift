import Foundation
import NightshiftBuilder
import NightshiftCore
import Testing

@Suite("Sub-agent spawn: command, prompt, time limit and proposal")
struct SubagentSpawnTests {
    static func task(hours: Double = 2, description: String = "Users are logged out after a minute") -> QueueTask {
        var task = QueueTask(
            id: "task_7", queue: QueueTask.builderQueue, title: "Fix login", description: description, category: "Bug fixes", hours: hours,
            score: 4, attributes: ["priority": .string("HIGH"), "impact": .integer(8), "effort": .integer(2)], createdAt: local(2026, 3, 4, 9)
        )
        task.updatedAt = task.createdAt
        return task
    }

    static func spawn(_ edit: (inout BuilderSettings) -> Void = { _ in }) -> SubagentSpawn {
        var settings = BuilderSettings(agent: ["claude", "-p", "{prompt}"])
        edit(&settings)
        return SubagentSpawn(settings: settings, workspacePath: "/srv/workspace")
    }

    static let expectedPrompt = """
        You are a sub-agent spawned to complete: Fix login

        Description: Users are logged out after a minute
        Category: Bug fixes
        Estimated: 2 hours

        Complete this task autonomously. Test thoroughly and document.
        """

    @Test("the default prompt names the title, description, category and estimate, and asks for autonomous, tested work")
    func defaultPrompt() {
        let prompt = Self.spawn().prompt(for: Self.task())
        #expect(prompt == Self.expectedPrompt)
        #expect(prompt.contains("Complete this task autonomously. Test thoroughly and document."))
    }

    @Test("a fractional estimate is written as it is; a missing description says so")
    func promptDetails() {
        let prompt = Self.spawn().prompt(for: Self.task(hours: 2.5, description: ""))
        #expect(prompt.contains("Estimated: 2.5 hours"))
        #expect(prompt.contains("Description: (none given)"))
    }

    @Test("{prompt}, {title} and {task} are replaced in every argument of the agent command")
    func argv() {
        let spawn = Self.spawn { $0.agent = ["agent", "--prompt={prompt}", "--name", "{title}", "--log", "logs/{task}.log", "{unknown}"] }
        #expect(spawn.argv(for: Self.task()) == [
            "agent", "--prompt=\(Self.expectedPrompt)", "--name", "Fix login", "--log", "logs/task_7.log", "{unknown}",
        ])
    }

    @Test("a custom prompt template gets the task's fields")
    func customPrompt() {
        let spawn = Self.spawn { $0.prompt = "[{task}] {title} in {category}, {hours}h: {description}" }
        #expect(spawn.prompt(for: Self.task()) == "[task_7] Fix login in Bug fixes, 2h: Users are logged out after a minute")
        #expect(spawn.argv(for: Self.task())[2] == "[task_7] Fix login in Bug fixes, 2h: Users are logged out after a minute")
    }

    @Test("placeholders written in a task's own text are left as written")
    func placeholdersInTaskText() {
        let task = Self.task(description: "Render {title} and {task} in the mail template")
        let prompt = Self.spawn().prompt(for: task)
        #expect(prompt.contains("Description: Render {title} and {task} in the mail template"))
    }

    @Test("the time limit is the estimate × timeout_factor, or the fixed timeout", arguments: [
        (2.0, 1.5, nil, Duration.seconds(3 * 3600)),
        (0.5, 1.5, nil, .seconds(45 * 60)),
        (3.0, 2.0, nil, .seconds(6 * 3600)),
        (1.0, 1.25, nil, .seconds(75 * 60)),
        (8.0, 1.5, .seconds(600), .seconds(600)),
    ] as [(Double, Double, Duration?, Duration)])
    func timeout(hours: Double, factor: Double, fixed: Duration?, expected: Duration) {
        let spawn = Self.spawn {
            $0.timeoutFactor = factor
            $0.timeout = fixed
        }
        #expect(spawn.timeout(for: Self.task(hours: hours)) == expected)
    }

    @Test("the proposal is a spawn_subagent by pack:builder with the task's attributes")
    func proposal() {
        let proposal = Self.spawn().proposal(for: Self.task())
        #expect(proposal.type == "spawn_subagent")
        #expect(proposal.actor == Actor(.pack, "builder"))
        #expect(proposal.actor.description == "pack:builder")
        #expect(proposal.attributes == [
            "task": .string("task_7"), "title": .string("Fix login"), "category": .string("Bug fixes"), "hours": .number(2),
            "priority": .string("HIGH"),
        ])
        #expect(proposal.tenant == nil)
        #expect(proposal.payload == .object([
            "task": .string("task_7"), "agent": .array(["claude", "-p", Self.expectedPrompt].map { .string($0) }), "env": .array([]),
        ]))
    }

    @Test("a scheduled task's window, the working directory, environment and verify command are in the proposal")
    func proposalExtras() {
        var task = Self.task()
        task.window = "overnight"
        task.attributes["verify"] = .string("swift test")
        let proposal = Self.spawn {
            $0.workingDirectory = "repo"
            $0.environment = ["ANTHROPIC_API_KEY"]
        }.proposal(for: task)
        #expect(proposal.attributes["window"] == .string("overnight"))
        #expect(proposal.payload["cwd"] == .string("repo"))
        #expect(proposal.payload["env"] == .array([.string("ANTHROPIC_API_KEY")]))
        #expect(proposal.payload["verify"] == .string("swift test"))
    }

    @Test("the same task proposes the same payload every time, so an approval binds to the next proposal")
    func payloadStable() {
        let first = Self.spawn().proposal(for: Self.task())
        let second = Self.spawn().proposal(for: Self.task())
        #expect(first.payload == second.payload)
        #expect(first.payloadHash == second.payloadHash)
        #expect(first.payload.canonical == second.payload.canonical)
        #expect(first == second)

        // Another task, or another agent command, is another payload.
        var other = Self.task()
        other.id = "task_8"
        #expect(Self.spawn().proposal(for: other).payloadHash != first.payloadHash)
        #expect(Self.spawn { $0.agent = ["codex", "exec", "{prompt}"] }.proposal(for: Self.task()).payloadHash != first.payloadHash)
    }

    @Test("the spawn payload is not a command the gate could execute itself")
    func notACommand() {
        #expect(JobAction(payload: Self.spawn().proposal(for: Self.task()).payload) == nil)
        let withEverything = Self.spawn {
            $0.workingDirectory = "repo"
            $0.environment = ["KEY"]
        }
        var task = Self.task()
        task.attributes["verify"] = .string("swift test")
        #expect(JobAction(payload: withEverything.proposal(for: task).payload) == nil)
    }

    @Test("the verify proposal is a run_command the gate executes, in the agents' directory")
    func verifyProposal() {
        let spawn = Self.spawn {
            $0.workingDirectory = "repo"
            $0.environment = ["KEY"]
        }
        let proposal = spawn.verifyProposal(for: Self.task(), command: "swift test")
        #expect(proposal.type == "run_command")
        #expect(proposal.actor == Actor(.pack, "builder"))
        #expect(proposal.attributes == ["task": .string("task_7"), "category": .string("Bug fixes"), "step": .string("verify")])
        #expect(JobAction(payload: proposal.payload) == .command(CommandAction(program: .shell("swift test"), workingDirectory: "repo", environment: ["KEY"])))
    }
}
