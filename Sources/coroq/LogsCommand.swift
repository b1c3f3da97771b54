import ArgumentParser
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs",
        abstract: "Print a task's captured output (stdout and stderr, as written).",
        discussion: "With -f, go on printing as the task writes, until it finishes (pushed by the daemon, not polled).")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The task's id.")
    var id: Int64

    @Flag(name: [.short, .customLong("follow")], help: "Follow the output until the task finishes.")
    var follow = false

    func run() async throws {
        let result = try await options.withClient { client in
            try await client.call(.logs, LogsParams(id: id, follow: follow ? true : nil), as: LogsResult.self) { message in
                guard message.method == taskOutputNotification,
                      let chunk = try? message.params(TaskOutputParams.self) else { return }
                if options.json { Output.jsonLine(chunk) } else { StandardIO.write(chunk.text, to: STDOUT_FILENO) }
            }
        }
        if options.json { Output.jsonLine(result) }
    }
}
