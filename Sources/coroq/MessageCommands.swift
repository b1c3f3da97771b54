import ArgumentParser
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a JSON value to a task, for it to receive.",
        discussion: """
            Stores VALUE durably for task ID, after the values sent to it before; the task takes them in \
            order, each once: a Swift job with `context.receive()`, a script with `coroq receive`. A value \
            sent before the task started, or while coroqd was down, waits until it is received. A task \
            waiting for a value gets it at once.

              coroq send 42 '{"rows": 1000}'
              coroq send 42 '"stop"'

            Refused (exit 1): an unknown id, a finished task (task_finished: nothing would receive it), \
            a VALUE that is not JSON text, a value larger than the daemon's max_task_bytes.
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The task's id.")
    var id: Int64

    @Argument(help: "The value, as JSON text: an object, an array, a string in quotes, a number, true, false or null.")
    var value: String

    func validate() throws {
        _ = try parsedValue()
    }

    private func parsedValue() throws -> JSONValue {
        guard let parsed = try? JSONValue(parsing: Data(value.utf8)) else {
            throw ValidationError("VALUE must be JSON text, e.g. '{\"rows\": 10}', '\"a string in quotes\"' or 42")
        }
        return parsed
    }

    func run() async throws {
        let result = try await options.withClient { client in
            try await client.call(.send, SendParams(task: id, value: try parsedValue()), as: SendResult.self)
        }
        if options.json {
            Output.jsonLine(result)
        } else {
            Output.line("sent to task \(result.task) (value \(result.sequence))")
        }
    }
}

struct ReceiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receive",
        abstract: "Print the next value sent to the task this script runs in.",
        discussion: """
            For scripts run by an `exec` task (which sets COROQ_TASK_ID and COROQ_SOCKET). Waits until a \
            value is sent to the task (`coroq send ID JSON`), then prints it as one line of JSON text; the \
            task holds no slot of the concurrency limit while it waits. Each value is received once; when \
            the script runs again (the daemon was killed half-way and the task re-runs), its n-th \
            `coroq receive` prints the value the n-th printed before.

              next=$(coroq receive --timeout 60) || exit 1
              name=$(coroq receive --raw)      # a JSON string printed without its quotes

            Exits 0 with a value; 3 when --timeout passed with nothing sent (nothing printed); 64 outside \
            a task (no COROQ_TASK_ID); 69 when coroqd cannot be reached or stops meanwhile.
            """)

    @OptionGroup var options: ClientOptions

    @Option(help: "Give up after this many seconds (exit 3). Default: wait as long as it takes.")
    var timeout: Double?

    @Flag(help: "Print a JSON string's text without quotes or escapes.")
    var raw = false

    func validate() throws {
        if let timeout, !(timeout >= 0) || !timeout.isFinite {
            throw ValidationError("--timeout takes a number of seconds, 0 or more (e.g. --timeout 2.5)")
        }
        _ = try StepCommand.currentTask(using: "receive")
    }

    func run() async throws {
        let task = try StepCommand.currentTask(using: "receive")
        let result = try await options.withClient { client in
            try await client.call(.receive, ReceiveParams(task: task.id, attempt: task.attempt, timeout: timeout),
                                  as: ReceiveResult.self)
        }
        if result.timedOut {
            Output.error("nothing was sent to task \(task.id) within \(timeout.map { "\($0)" } ?? "the wait") seconds")
            throw ExitCodes.pending
        }
        let value = result.value ?? .null
        if raw, case .string(let text) = value {
            Output.line(text)
        } else {
            Output.line(value.jsonText)
        }
    }
}
