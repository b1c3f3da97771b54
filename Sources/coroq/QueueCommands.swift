import ArgumentParser
import CoroqProtocol

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List queues, set their limits, pause and resume them.",
        discussion: """
            Every task is in a queue: `default`, or the one given with `coroq submit --queue NAME`. A queue \
            may limit how many of its tasks run at once (--concurrency, beside coroqd's global concurrency) \
            and how many start per interval (--rate 10/1s); a paused queue starts none of its tasks (running \
            ones finish). Queues are made by `coroq queue set NAME` or by [queues.NAME] in coroqd.toml; a \
            submit to any other queue is refused. Settings are kept across restarts; coroqd.toml's keys win \
            at start and at each reload that changes that queue's table.
              coroq queue set net --concurrency 2 --rate 10/1s
              coroq submit --queue net exec -- curl -fsS https://example.com
              coroq queue list
              coroq queue pause net; coroq queue resume net
            """,
        subcommands: [QueueListCommand.self, QueueSetCommand.self, QueuePauseCommand.self, QueueResumeCommand.self])
}

struct QueueListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the queues: limits, paused or not, and their tasks per state.")

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let result = try await options.withClient { client in
            try await client.call(.queueList, QueueListParams(), as: QueueListResult.self)
        }
        if options.json {
            for queue in result.queues { Output.jsonLine(queue) }
        } else {
            Output.line(QueueFormat.table(result.queues))
        }
    }
}

struct QueueSetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Create a queue, or change its limits (kept across restarts).",
        discussion: """
              coroq queue set net --concurrency 2          # at most 2 of its tasks run at once
              coroq queue set api --rate 100/1m             # at most 100 starts in any minute
              coroq queue set net --concurrency none        # only the global limit
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The queue's name: 1 to 64 letters, digits, '.', '_' and '-'.")
    var name: String

    @Option(help: ArgumentHelp("Most of its tasks running at once (from 1), or none.", valueName: "N|none"))
    var concurrency: String?

    @Option(help: ArgumentHelp("At most N starts per interval, e.g. 10/1s, 100/1m, 1/500ms; or none.", valueName: "N/INTERVAL|none"))
    var rate: String?

    func validate() throws {
        if let concurrency, concurrency != "none" {
            guard let limit = Int(concurrency), limit >= 1 else {
                throw ValidationError("--concurrency \(concurrency): expected a number from 1, or none")
            }
        }
    }

    func run() async throws {
        let limit: QueueLimit? = concurrency.map { $0 == "none" ? .none : .limit(Int($0) ?? 0) }
        let queue = try await options.withClient { client in
            try await client.call(.queueSet, QueueSetParams(name: name, concurrency: limit, rate: rate), as: QueueInfo.self)
        }
        if options.json {
            Output.jsonLine(queue)
        } else {
            Output.line("queue \(queue.name): \(QueueFormat.limits(queue))")
        }
    }
}

struct QueuePauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a queue: none of its tasks start until resumed (running ones finish).")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The queue's name.")
    var name: String

    func run() async throws {
        try await QueueFormat.setPaused(name, true, options)
    }
}

struct QueueResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused queue: its tasks start as its limits allow.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The queue's name.")
    var name: String

    func run() async throws {
        try await QueueFormat.setPaused(name, false, options)
    }
}

/// How queues are printed.
enum QueueFormat {
    static func setPaused(_ name: String, _ paused: Bool, _ options: ClientOptions) async throws {
        let queue = try await options.withClient { client in
            try await client.call(paused ? .queuePause : .queueResume, QueueNameParams(name: name), as: QueueInfo.self)
        }
        if options.json {
            Output.jsonLine(queue)
        } else {
            Output.line("queue \(name) \(paused ? "paused" : "resumed")")
        }
    }

    /// `concurrency 2, rate 10/1s, paused`.
    static func limits(_ queue: QueueInfo) -> String {
        var parts = ["concurrency \(queue.concurrency.map(String.init) ?? "-")", "rate \(queue.rate ?? "-")"]
        if queue.paused { parts.append("paused") }
        return parts.joined(separator: ", ")
    }

    static let states = ["queued", "running", "blocked", "succeeded", "failed", "cancelled", "interrupted"]

    static func table(_ queues: [QueueInfo]) -> String {
        // A column for any other state a queue has tasks in (`scheduled`, `pending`…), after these.
        let others = Set(queues.flatMap(\.counts.keys)).subtracting(states).sorted()
        let columns = states + others
        let header = ["QUEUE", "CONCURRENCY", "RATE", "PAUSED"] + columns.map { $0.uppercased() }
        let rows = queues.map { queue in
            [queue.name, queue.concurrency.map(String.init) ?? "-", queue.rate ?? "-", queue.paused ? "yes" : "no"]
                + columns.map { "\(queue.counts[$0] ?? 0)" }
        }
        return TaskFormat.align([header] + rows)
    }
}
