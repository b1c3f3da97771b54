import ArgumentParser
import CoroqClient
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Submit a task on a schedule: cron or every interval, durable, no slot fired twice.",
        discussion: """
            A schedule submits its task at each firing — a 5-field cron expression (minute hour \
            day-of-month month day-of-week; names such as mon or jan; @hourly, @daily, @weekly, @monthly, \
            @yearly) in a time zone, or every interval. Firings missed while coroqd was down follow \
            --catch-up: none, last (default: one run for the latest), or all (at most 1000). Each slot fires \
            once, even across a crash: the task and the slot are recorded in one transaction.
            Schedules can also be defined in coroqd.toml as [schedules.NAME] tables (applied by a reload).
              coroq schedule add nightly --cron '30 2 * * *' --time-zone Europe/Berlin exec -- /usr/local/bin/backup
              coroq schedule add heartbeat --every 5m exec -- curl -fsS https://example.com/ping
              coroq schedule list
            """,
        subcommands: [ScheduleAddCommand.self, ScheduleListCommand.self, ScheduleRemoveCommand.self,
                      SchedulePauseCommand.self, ScheduleResumeCommand.self])
}

struct ScheduleAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a schedule (or change the one of that name, keeping its last firing).",
        discussion: """
            The task is given as to `coroq submit` (job, its words or --args, --on-done, --no-repeat, the \
            exec options).
              coroq schedule add report --cron '0 9 * * mon-fri' exec -- ./report.sh
              coroq schedule add tick --every 30s --catch-up none noop
            """)

    @Argument(help: "The schedule's name: letters, digits, '-', '_' and '.'.")
    var name: String

    @Option(help: "When it fires: a cron expression such as '*/15 * * * *' or '@daily'.")
    var cron: String?

    @Option(help: "The cron expression's time zone, such as Europe/Berlin (default: coroqd's).")
    var timeZone: String?

    @Option(help: "Or: fire every this long, such as 30s, 5m, 6h, 1d (counted from now).")
    var every: String?

    @Option(help: "Firings missed while coroqd was down: none, last (default) or all.")
    var catchUp: String?

    @OptionGroup(title: "The task each firing submits") var task: SubmitCommand

    func validate() throws {
        guard (cron == nil) != (every == nil) else { throw ValidationError("give --cron or --every (one of them)") }
        guard !task.batch else { throw ValidationError("a schedule submits one task: give its job, not --batch") }
    }

    func run() async throws {
        let params = ScheduleAddParams(
            name: name, cron: cron, timeZone: timeZone, every: every, catchUp: catchUp, task: try task.submission.singleTask())
        let schedule = try await task.options.withClient { client in
            try await client.call(.scheduleAdd, params, as: ScheduleInfo.self)
        }
        if task.options.json {
            Output.jsonLine(schedule)
        } else {
            Output.line("schedule \(schedule.name): \(schedule.timing); next \(ScheduleFormat.next(schedule))")
        }
    }
}

struct ScheduleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the schedules with their next firing times.")

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let result = try await options.withClient { client in
            try await client.call(.scheduleList, ScheduleListParams(), as: ScheduleListResult.self)
        }
        if options.json {
            for schedule in result.schedules { Output.jsonLine(schedule) }
        } else if result.schedules.isEmpty {
            Output.line("no schedules (add one with `coroq schedule add`, or in coroqd.toml)")
        } else {
            Output.line(ScheduleFormat.table(result.schedules))
        }
    }
}

struct ScheduleRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a schedule (its tasks stay). One from coroqd.toml comes back at the next reload unless removed there.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The schedule's name.")
    var name: String

    func run() async throws {
        _ = try await options.withClient { client in
            try await client.call(.scheduleRemove, ScheduleNameParams(name: name), as: ScheduleListResult.self)
        }
        if !options.json { Output.line("schedule \(name) removed") }
    }
}

struct SchedulePauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a schedule: it fires nothing until resumed.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The schedule's name.")
    var name: String

    func run() async throws {
        try await ScheduleFormat.setPaused(name, true, options)
    }
}

struct ScheduleResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused schedule; the firings that passed while it was paused are skipped.")

    @OptionGroup var options: ClientOptions

    @Argument(help: "The schedule's name.")
    var name: String

    func run() async throws {
        try await ScheduleFormat.setPaused(name, false, options)
    }
}

/// How schedules are printed.
enum ScheduleFormat {
    static func setPaused(_ name: String, _ paused: Bool, _ options: ClientOptions) async throws {
        let schedule = try await options.withClient { client in
            try await client.call(paused ? .schedulePause : .scheduleResume, ScheduleNameParams(name: name), as: ScheduleInfo.self)
        }
        if options.json {
            Output.jsonLine(schedule)
        } else {
            Output.line("schedule \(name) \(paused ? "paused" : "resumed; next \(next(schedule))")")
        }
    }

    static func next(_ schedule: ScheduleInfo) -> String {
        if schedule.paused { return "— (paused)" }
        return schedule.next.map(TaskFormat.timestamp) ?? "never"
    }

    static func table(_ schedules: [ScheduleInfo]) -> String {
        let rows = [["NAME", "WHEN", "NEXT", "CATCH-UP", "FROM", "TASK"]] + schedules.map { schedule in
            [schedule.name, schedule.timing, next(schedule), schedule.catchUp, schedule.origin, task(schedule.task)]
        }
        return TaskFormat.align(rows)
    }

    /// `exec ./backup.sh --full`, `sleep {"seconds":2}`.
    static func task(_ task: JSONValue) -> String {
        guard case .string(let job)? = task["job"] else { return task.jsonText }
        if job == "exec", case .array(let argv)? = task["args"]?["argv"] {
            return "exec " + argv.map { if case .string(let word) = $0 { word } else { $0.jsonText } }.joined(separator: " ")
        }
        let arguments = task["args"].map { " " + $0.jsonText } ?? ""
        let text = job + arguments
        return text.count > 60 ? String(text.prefix(59)) + "…" : text
    }
}
