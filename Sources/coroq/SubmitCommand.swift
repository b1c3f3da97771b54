import ArgumentParser
import CoroqJSON
import CoroqProtocol
import Foundation

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a task; prints its id.",
        discussion: """
            Built-in jobs take their arguments as words:
              coroq submit sleep 2                          # {"seconds": 2}
              coroq submit exec -- sh -c 'echo hi; exit 3'  # {"argv": [...], "cwd": "<current directory>"}
              coroq submit noop                             # {}
            Any job takes a JSON object with --args:
              coroq submit noop --args '{"x": 1}'
            --on-done runs a shell command when the task finishes, with COROQ_TASK_ID, COROQ_TASK_STATE and \
            COROQ_TASK_RESULT (JSON: the result, or the error) in its environment.
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The job to run: noop, sleep, exec, or one registered in the daemon.")
    var job: String

    @Argument(help: "The job's arguments (after `--` for exec).")
    var jobArguments: [String] = []

    @Option(name: .customLong("args"), help: "The job's arguments as a JSON object.")
    var argumentsJSON: String?

    @Option(help: "Shell command to run when the task finishes.")
    var onDone: String?

    func run() async throws {
        let spec = TaskSpec(job: job, args: try arguments(), onDone: onDone)
        let result = try await options.withClient { client in
            try await client.call(.submit, SubmitParams(tasks: [spec]), as: SubmitResult.self)
        }
        for id in result.ids {
            if options.json { Output.jsonLine(["id": id]) } else { Output.line("\(id)") }
        }
    }

    /// The job's arguments from `--args` or from the positional sugar of the built-in jobs.
    private func arguments() throws -> JSONValue {
        if let argumentsJSON {
            guard jobArguments.isEmpty else {
                throw ValidationError("give the job's arguments either as words or with --args, not both")
            }
            guard let value = try? JSONValue(parsing: Data(argumentsJSON.utf8)), case .object = value else {
                throw ValidationError("--args must be a JSON object, e.g. --args '{\"seconds\": 1.5}'")
            }
            return value
        }
        switch job {
        case "sleep":
            guard jobArguments.count == 1, let seconds = Double(jobArguments[0]), Seconds.isValid(seconds) else {
                throw ValidationError("usage: coroq submit sleep SECONDS (e.g. coroq submit sleep 1.5)")
            }
            return ["seconds": .double(seconds)]
        case "exec":
            guard !jobArguments.isEmpty else {
                throw ValidationError("usage: coroq submit exec -- COMMAND [ARGUMENT…]")
            }
            return ["argv": .array(jobArguments.map(JSONValue.string)),
                    "cwd": .string(FileManager.default.currentDirectoryPath)]
        default:
            guard jobArguments.isEmpty else {
                throw ValidationError("job '\(job)' takes its arguments as JSON: coroq submit \(job) --args '{…}'")
            }
            return .emptyObject
        }
    }
}
