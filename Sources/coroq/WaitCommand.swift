import ArgumentParser
import CoroqClient
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait for tasks or futures to finish, printing each as it does (asyncio.wait).",
        discussion: """
            Exit 0 when every task succeeded, 2 when any failed or was cancelled, 3 when --timeout passed \
            first. With --any, it returns as soon as one has finished (more if they finished together): exit 0 \
            when that one succeeded, 2 when it failed or was cancelled. Whenever some are still pending (--any, \
            --timeout), a last line says which are done and which pending: `done: 4  pending: 5 6`. \
            With --json: one JSON line per finished task, then a last line {"done", "pending", "timed_out"}. \
            With --quiet: only the tasks that did not succeed are printed (the daemon sends no others).
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "Task (or future) ids.")
    var ids: [Int64] = []

    @Flag(help: "Wait for every task that is queued, running or blocked (--after) now; not for pending futures.")
    var all = false

    @Flag(help: "Return as soon as one of the tasks has finished (the others go on).")
    var any = false

    @Option(help: "Give up after this long: 30s, 5m, 1h30m, 500ms or seconds (the tasks go on).", transform: Seconds.parsing)
    var timeout: Double?

    @Flag(name: .shortAndLong, help: "Print only the tasks that did not succeed; no progress display.")
    var quiet = false

    func validate() throws {
        guard all == ids.isEmpty else { throw ValidationError("give task ids or --all (not both)") }
    }

    func run() async throws {
        var anyUnsuccessful = false
        let live = Terminal.isInteractive && !options.json && !quiet
        var progress = WaitProgress()
        let params = WaitParams(
            ids: all ? nil : ids, all: all ? true : nil, timeout: timeout, report: quiet ? .failures : nil,
            any: any ? true : nil, progress: live ? true : nil)
        var lines = OutputLines()
        let result = try await options.withClient { client in
            // What was printed before an error (the daemon stopping) comes out before it.
            defer { lines.flush() }
            return try await client.call(.wait, params, as: WaitResult.self, onNotification: { message in
                if message.method == waitAcceptedNotification, live,
                   let accepted = try? message.params(WaitAcceptedParams.self) {
                    progress.accepted(accepted.ids.count)
                }
                if message.method == taskProgressNotification, live,
                   let report = try? message.params(TaskProgressParams.self) {
                    progress.progressed(report.id, report.progress)
                }
                // Read from the parsed frame directly: the Codable route cost more than the parse.
                guard message.method == taskFinishedNotification,
                      let json = message.members["params"]?["task"], let task = try? TaskInfo(json: json) else { return }
                if task.state != .succeeded { anyUnsuccessful = true }
                if options.json {
                    lines.append(Output.json(task, pretty: false))
                } else if live {
                    progress.finished(task)
                } else {
                    lines.append(TaskFormat.finishedLine(task))
                }
            }, whenIdle: { lines.flush() })
        }
        if live { progress.summary(pending: result.pending.count) }
        if options.json {
            Output.jsonLine(result)
        } else if !result.pending.isEmpty {
            Output.line(Self.doneAndPending(result))
        }
        if result.timedOut {
            if !options.json {
                Output.error("timed out; still pending: \(result.pending.map(String.init).joined(separator: " ")) (they go on; wait again or cancel them)")
            }
            throw ExitCodes.pending
        }
        if anyUnsuccessful { throw ExitCodes.taskFailed }
    }

    /// `done: 4  pending: 5 6` (asyncio.wait's two sets).
    static func doneAndPending(_ result: WaitResult) -> String {
        let done = result.done.isEmpty ? "none" : result.done.sorted().map(String.init).joined(separator: " ")
        return "done: \(done)  pending: \(result.pending.map(String.init).joined(separator: " "))"
    }
}
