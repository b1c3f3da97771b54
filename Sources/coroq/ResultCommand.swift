import ArgumentParser
import CoroqProtocol

struct ResultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result",
        abstract: "Print a finished task's result as JSON (its error, when it failed).",
        discussion: "Exit 0 when it succeeded, 2 when it failed or was cancelled, 3 when it has not finished.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The task's id.")
    var id: Int64

    func run() async throws {
        let task = try await options.withClient { client in
            try await client.call(.get, GetParams(id: id), as: TaskInfo.self)
        }
        if options.json {
            Output.line(Output.json(task, pretty: true))
        }
        switch task.state {
        case .succeeded:
            if !options.json { Output.line(Output.json(task.result, pretty: true)) }
        case .failed, .cancelled:
            if !options.json { Output.line(Output.json(task.error, pretty: true)) }
            throw ExitCodes.taskFailed
        default:
            if !options.json { Output.error("task \(id) is \(task.state); `coroq wait \(id)` waits for it") }
            throw ExitCodes.pending
        }
    }
}
