import ArgumentParser
import CoroqProtocol

struct SpawnCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spawn",
        abstract: "Start a child task of the task this script runs in; prints its id.",
        discussion: """
            For scripts run by an `exec` task (which sets COROQ_TASK_ID and COROQ_SOCKET). JOB and its \
            arguments are given as to `coroq submit`. The child is linked to the script's task: `coroq show` \
            prints it under its parent, cancelling the parent cancels it, and the parent's own outcome is \
            recorded only once every child has finished (a parent that failed cancels its unfinished children).

            Spawning is idempotent: when the script runs again (the daemon was killed half-way and the task \
            re-runs), its first `coroq spawn` gets the first child back, its second the second, and so on — \
            or, with --name, the child of that name. Nothing new is started.

              a=$(coroq spawn exec -- ./resize.sh a.jpg)
              b=$(coroq spawn --name thumbs exec -- ./thumbs.sh)
              coroq wait "$a" "$b"

            Outside a task (no COROQ_TASK_ID) it is a usage error (64); an unknown job, bad arguments or a \
            task that is not running: 1, and nothing is started.
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The job to run: noop, sleep, exec, or one registered in the daemon.")
    var job: String

    @Argument(help: "The job's arguments (after `--` for exec).")
    var jobArguments: [String] = []

    @Option(name: .customLong("args"), help: "The job's arguments as a JSON object.")
    var argumentsJSON: String?

    @Option(help: "The child's name, unique within the task (instead of its place among the script's spawns).")
    var name: String?

    func validate() throws {
        if let name, name.isEmpty || name.hasPrefix("#") {
            throw ValidationError("--name must not be empty nor start with '#'")
        }
        _ = try StepCommand.currentTask()
    }

    func run() async throws {
        let task = try StepCommand.currentTask()
        let submission = Submission(job: job, jobArguments: jobArguments, argumentsJSON: argumentsJSON)
        let params = SpawnParams(task: task.id, attempt: task.attempt, name: name, job: job, args: try submission.arguments(job))
        let spawned = try await options.withClient { client in
            try await client.call(.spawn, params, as: SpawnResult.self)
        }
        Output.line(options.json ? Output.json(["id": spawned.task.id], pretty: false) : "\(spawned.task.id)")
    }
}
