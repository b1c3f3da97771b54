import CoroqCore
import CoroqJSON
import Foundation
import TOMLKit

/// A `[schedules.NAME]` table of coroqd.toml, as written: checked for its keys and types when the file is
/// read, and made a `Schedule` (cron, zone and job checked) when applied.
///
/// ```toml
/// [schedules.nightly-backup]
/// cron = "30 2 * * *"            # or: every = "6h"
/// time_zone = "Europe/Berlin"    # cron only; default: the daemon's zone
/// catch_up = "last"              # none | last | all: firings missed while coroqd was down
/// job = "exec"
/// args = { argv = ["/usr/local/bin/backup", "--full"] }
/// on_done = "logger backup finished"
/// ```
public struct ScheduleSetting: Sendable, Equatable {
    public var name: String
    public var cron: String?
    public var timeZone: String?
    public var every: String?
    public var catchUp: CatchUp = .last
    /// The task each firing submits, as a `submit` task object: job, args, on_done, no_repeat.
    public var task: JSONValue

    public init(name: String, cron: String? = nil, timeZone: String? = nil, every: String? = nil, catchUp: CatchUp = .last, task: JSONValue) {
        self.name = name
        self.cron = cron
        self.timeZone = timeZone
        self.every = every
        self.catchUp = catchUp
        self.task = task
    }

    /// The keys a schedule's table takes: when, then the task as a `submit` task object has it.
    static let timingKeys = ["cron", "every", "time_zone", "catch_up"]
    static let taskKeys = ["job", "args", "on_done", "no_repeat", "queue", "label"]

    /// Reads `[schedules]`: a table of tables. Errors name the schedule and the key.
    static func read(_ value: any TOMLValueConvertible) throws(ConfigError) -> [ScheduleSetting] {
        guard let table = value.table else {
            throw ConfigError(key: "schedules", line: nil, message: "expected tables such as [schedules.nightly]")
        }
        var settings: [ScheduleSetting] = []
        for name in table.keys.sorted() {
            let key = "schedules.\(name)"
            guard Schedule.isValidName(name) else {
                throw ConfigError(key: key, line: nil, message: "a schedule name is letters, digits, '-', '_' and '.'")
            }
            guard let entry = table[name]?.table else {
                throw ConfigError(key: key, line: nil, message: "expected a table: [schedules.\(name)] with cron or every, and job")
            }
            settings.append(try read(entry, name: name))
        }
        return settings
    }

    private static func read(_ table: TOMLTable, name: String) throws(ConfigError) -> ScheduleSetting {
        func fail(_ key: String, _ message: String) -> ConfigError {
            ConfigError(key: "schedules.\(name).\(key)", line: nil, message: message)
        }
        func text(_ key: String) throws(ConfigError) -> String? {
            guard let value = table[key] else { return nil }
            guard let text = value.string else { throw fail(key, "expected a string") }
            return text
        }
        if let unknown = table.keys.sorted().first(where: { !(timingKeys + taskKeys).contains($0) }) {
            throw fail(unknown, "unknown key; a schedule takes \((timingKeys + taskKeys).joined(separator: ", "))")
        }
        var task: [String: JSONValue] = [:]
        for key in taskKeys {
            if let value = table[key] { task[key] = try json(value, at: "schedules.\(name).\(key)") }
        }
        guard case .string? = task["job"] else { throw fail("job", "give the job each firing runs, e.g. job = \"exec\"") }
        var setting = ScheduleSetting(name: name, cron: try text("cron"), timeZone: try text("time_zone"), task: .object(task))
        if let every = table["every"] {
            if let seconds = every.int ?? every.double.map({ Int($0) }) { setting.every = "\(seconds)" } else { setting.every = try text("every") }
        }
        if let catchUp = try text("catch_up") {
            guard let policy = CatchUp(rawValue: catchUp) else { throw fail("catch_up", "expected \"none\", \"last\" or \"all\", got \"\(catchUp)\"") }
            setting.catchUp = policy
        }
        do {
            _ = try ScheduleTiming(cron: setting.cron, timeZone: setting.timeZone, every: setting.every)
        } catch {
            throw ConfigError(key: "schedules.\(name)", line: nil, message: error.message)
        }
        return setting
    }

    /// A TOML value as JSON (a date or time becomes its text).
    static func json(_ value: any TOMLValueConvertible, at key: String) throws(ConfigError) -> JSONValue {
        switch value.type {
        case .string: return .string(value.string ?? "")
        case .int: return .int(Int64(value.int ?? 0))
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        case .array:
            var elements: [JSONValue] = []
            for element in value.array ?? [] { elements.append(try json(element, at: key)) }
            return .array(elements)
        case .table:
            var members: [String: JSONValue] = [:]
            let table = value.table!
            for member in table.keys { members[member] = try json(table[member]!, at: "\(key).\(member)") }
            return .object(members)
        default:
            return .string(value.tomlValue.debugDescription)
        }
    }
}
