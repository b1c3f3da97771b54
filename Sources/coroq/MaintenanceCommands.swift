import ArgumentParser
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct CleanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clean",
        abstract: "Delete finished tasks, with their history and logs, now.",
        discussion: "The daemon also does this on its own for tasks older than its --retention (default 7d).")

    @OptionGroup var options: ClientOptions

    @Option(help: "Only tasks that finished longer ago than this (90s, 30m, 12h, 7d; default 0: all).", transform: Seconds.parsing)
    var olderThan: Double = 0

    @Option(help: "Only tasks in this state (succeeded, failed, cancelled); repeat for several.")
    var state: [String] = []

    func validate() throws {
        let finalStates = TaskInfo.State.final.map(\.rawValue)
        if let wrong = state.first(where: { !finalStates.contains($0) }) {
            throw ValidationError("--state \(wrong): only finished tasks are cleaned; give \(finalStates.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let params = CleanParams(olderThan: olderThan, states: state.isEmpty ? nil : state)
        let result = try await options.withClient { client in
            try await client.call(.clean, params, as: CleanResult.self)
        }
        if options.json { Output.jsonLine(result) } else { Output.line("deleted \(result.deleted) tasks") }
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the daemon's database to a new file, while it runs.",
        discussion: "The daemon writes the file (as its own user); PATH must not exist yet.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "Where to write the copy.")
    var path: String

    func run() async throws {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let result = try await options.withClient { client in
            try await client.call(.backup, BackupParams(path: absolute), as: BackupResult.self)
        }
        if options.json { Output.jsonLine(result) } else { Output.line("\(result.path)  \(result.bytes) bytes") }
    }
}
