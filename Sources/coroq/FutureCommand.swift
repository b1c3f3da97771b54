import ArgumentParser
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct FutureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "future",
        abstract: "Create and resolve standalone futures: outcomes that a person or a program supplies.",
        discussion: """
            A future is a task that never runs: it stays `pending` until `coroq future resolve` records a value \
            (it succeeded) or an error (it failed), or `coroq cancel` cancels it. Everything that takes a task \
            takes a future: wait, show, status, result, submit --after, a job's context.future(id).
              id=$(coroq future create --name approval)
              coroq submit --after "$id" exec -- ./deploy.sh     # runs once the future succeeded
              coroq future resolve "$id" --value '{"by": "ana"}'
            """,
        subcommands: [FutureCreateCommand.self, FutureResolveCommand.self])
}

struct FutureCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a pending future; prints its id.")

    @OptionGroup var options: ClientOptions

    @Option(help: "A name to know it by (shown as its args).")
    var name: String?

    @Option(help: "Shell command to run when the future completes (as submit --on-done).")
    var onDone: String?

    func run() async throws {
        let future = try await options.withClient { client in
            try await client.call(.futureCreate, FutureCreateParams(name: name, onDone: onDone), as: TaskInfo.self)
        }
        Output.line(options.json ? Output.json(["id": future.id], pretty: false) : "\(future.id)")
    }
}

struct FutureResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve a pending future with a value (succeeded) or an error message (failed).",
        discussion: """
            Its done-callbacks fire, `coroq wait` on it returns, and tasks submitted --after it are released \
            (or, for --error under the default --after-policy, cancelled). A future resolves once: resolving \
            it again is refused (exit 1) with what it resolved to.
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The future's id.")
    var id: Int64

    @Option(help: "Its result, as JSON (e.g. 42, '\"text\"', '{\"ok\": true}').")
    var value: String?

    @Option(help: "Resolve it as failed with this message.")
    var error: String?

    func validate() throws {
        guard (value == nil) != (error == nil) else { throw ValidationError("give exactly one of --value JSON and --error MESSAGE") }
        if let value, (try? JSONValue(parsing: Data(value.utf8))) == nil {
            throw ValidationError("--value must be JSON, e.g. --value 42 or --value '\"text\"' (a string needs its quotes)")
        }
        if let error, error.isEmpty { throw ValidationError("--error needs a message saying what went wrong") }
    }

    func run() async throws {
        let parsed = try value.map { try JSONValue(parsing: Data($0.utf8)) }
        let future = try await options.withClient { client in
            try await client.call(.futureResolve, FutureResolveParams(id: id, value: parsed, error: error), as: TaskInfo.self)
        }
        if options.json { Output.jsonLine(future) } else { Output.line(TaskFormat.finishedLine(future)) }
    }
}
