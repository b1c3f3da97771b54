import ArgumentParser
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what is queued, running and done (or one task).")

    @OptionGroup var options: ClientOptions

    @Argument(help: "One task's id.")
    var id: Int64?

    @Option(help: "How many of the most recent tasks to list.")
    var limit = 50

    @OptionGroup(title: "Filters") var filters: StatusFilterOptions

    func run() async throws {
        let status = try await options.withClient { client in
            try await client.call(.status, filters.applied(to: StatusParams(id: id, limit: limit)), as: StatusResult.self)
        }
        if options.json {
            Output.line(Output.json(status, pretty: true))
            return
        }
        if id == nil { Output.line(TaskFormat.header(status, now: Date())) }
        if !status.tasks.isEmpty { Output.line(TaskFormat.table(status.tasks, now: Date())) }
    }
}
