import ArgumentParser
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a task with every attempt, its steps, its child tasks (nested) and every run of its on-done command.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The task's id.")
    var id: Int64

    func run() async throws {
        let detail = try await options.withClient { client in
            try await client.call(.show, TaskParams(id: id), as: TaskDetail.self)
        }
        if options.json {
            Output.line(Output.json(detail, pretty: true))
        } else {
            Output.line(TaskFormat.detail(detail))
        }
    }
}

struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel a task: a running one is stopped (its processes get SIGTERM, then SIGKILL).",
        discussion: "Its unfinished child tasks (and theirs) are cancelled too, with the reason 'parent ID cancelled: REASON'. Returns once the task and each of them is recorded cancelled (their processes have ended). A task that has finished cannot be cancelled (exit 1).")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The task's id.")
    var id: Int64

    @Option(help: "Why; stored as the task's error message.")
    var reason: String?

    func run() async throws {
        let task = try await options.withClient { client in
            try await client.call(.cancel, CancelParams(id: id, reason: reason), as: TaskInfo.self)
        }
        if options.json { Output.jsonLine(task) } else { Output.line(TaskFormat.finishedLine(task)) }
    }
}

struct RetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Run a failed, cancelled or interrupted task again.",
        discussion: """
            A task submitted with --no-repeat that was running when the daemon died is `interrupted`: it \
            may or may not have done its work. After checking, `coroq retry ID` runs it again; `coroq cancel ID` \
            gives it up.
            A failed or cancelled task is run again the same way, as a new attempt (the count goes on; its \
            result and error are cleared, and its --on-done runs again when it finishes). A queued, scheduled \
            or running task cannot be retried, nor a standalone future; tasks that an earlier failure or \
            cancel settled (--after dependents, children) stay as they are.
              coroq retry 14
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The task's id.")
    var id: Int64

    func run() async throws {
        let task = try await options.withClient { client in
            try await client.call(.retry, TaskParams(id: id), as: TaskInfo.self)
        }
        if options.json { Output.jsonLine(task) } else { Output.line("\(task.id)  \(task.state)") }
    }
}
