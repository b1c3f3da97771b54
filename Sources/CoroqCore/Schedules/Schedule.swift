import CoroqJSON
import Foundation

/// A named schedule: when it fires, what it does with firings missed while the daemon was down, and the
/// task each firing submits (as a submit's task: job, args, on_done, …, kept as given).
public struct Schedule: Sendable, Equatable {
    public var name: String
    public var timing: ScheduleTiming
    public var catchUp: CatchUp
    /// The task to submit, as a `submit` request's task object (`{"job": …, "args": …}`).
    public var task: JSONValue
    /// Where it was defined: coroqd.toml (`[schedules.NAME]`, replaced by a reload) or `coroq schedule add`.
    public var origin: Origin
    public var paused: Bool
    public var createdAt: Date
    /// The latest slot fired or passed over: no slot up to it fires again.
    public var lastSlot: Date

    public enum Origin: String, Sendable, Codable {
        case config
        case command
    }

    public init(
        name: String, timing: ScheduleTiming, catchUp: CatchUp = .last, task: JSONValue, origin: Origin,
        paused: Bool = false, createdAt: Date, lastSlot: Date? = nil
    ) {
        self.name = name
        self.timing = timing
        self.catchUp = catchUp
        self.task = task
        self.origin = origin
        self.paused = paused
        self.createdAt = createdAt
        self.lastSlot = lastSlot ?? createdAt
    }

    /// The rule its slots follow (an interval counts from the schedule's creation).
    public var rule: FiringRule {
        switch timing {
        case .cron(let expression, let zone): .cron(expression, zone)
        case .every(let seconds): .interval(seconds: seconds, anchor: createdAt)
        }
    }

    /// A schedule name: letters, digits, `-`, `_`, `.`, 1 to 100 characters.
    public static func isValidName(_ name: String) -> Bool {
        (1...100).contains(name.count)
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }
}

/// When a schedule fires, as it is written and stored.
public enum ScheduleTiming: Sendable, Equatable, CustomStringConvertible {
    case cron(CronExpression, TimeZone)
    case every(seconds: Double)

    /// From a cron expression and an optional zone name (default: the daemon's zone), or an interval
    /// written as a duration — exactly one of the two.
    public init(cron: String?, timeZone: String?, every: String?) throws(ScheduleDefinitionError) {
        switch (cron, every) {
        case (let cron?, nil):
            let zone: TimeZone
            if let timeZone {
                guard let named = TimeZone(identifier: timeZone) else {
                    throw ScheduleDefinitionError("unknown time zone '\(timeZone)': give a name from the tz database such as Europe/Berlin, America/New_York or UTC")
                }
                zone = named
            } else {
                zone = .current
            }
            do {
                let expression = try CronExpression(cron)
                guard FiringRule.cron(expression, zone).nextFiring(after: Date()) != nil else {
                    throw ScheduleDefinitionError("cron expression '\(cron)' never fires (no such date)")
                }
                self = .cron(expression, zone)
            } catch let error as CronSyntaxError {
                throw ScheduleDefinitionError("\(error)")
            } catch let error as ScheduleDefinitionError {
                throw error
            } catch {
                throw ScheduleDefinitionError("\(error)")
            }
        case (nil, let every?):
            guard timeZone == nil else { throw ScheduleDefinitionError("a time zone goes with a cron expression, not with an interval") }
            guard let seconds = Seconds.parse(every), seconds >= 1 else {
                throw ScheduleDefinitionError("interval '\(every)': expected a duration of at least 1s, such as 30s, 5m, 2h or 1d")
            }
            self = .every(seconds: seconds)
        case (nil, nil):
            throw ScheduleDefinitionError("give when it fires: a cron expression (cron) or an interval (every)")
        case (_?, _?):
            throw ScheduleDefinitionError("give either a cron expression or an interval, not both")
        }
    }

    public var description: String {
        switch self {
        case .cron(let expression, let zone): "cron \(expression) \(zone.identifier)"
        case .every(let seconds): "every \(FiringRule.describe(seconds))"
        }
    }

    /// As stored: `{"cron": …, "time_zone": …}` or `{"every": seconds}`.
    public var stored: JSONValue {
        switch self {
        case .cron(let expression, let zone): ["cron": .string(expression.description), "time_zone": .string(zone.identifier)]
        case .every(let seconds): ["every": .double(seconds)]
        }
    }

    public init(stored: JSONValue) throws(ScheduleDefinitionError) {
        if case .string(let cron)? = stored["cron"] {
            guard case .string(let zone)? = stored["time_zone"] else { throw ScheduleDefinitionError("stored schedule without a time zone") }
            try self.init(cron: cron, timeZone: zone, every: nil)
        } else if let seconds = try? stored["every"]?.decode(as: Double.self) {
            self = .every(seconds: seconds)
        } else {
            throw ScheduleDefinitionError("stored schedule timing \(stored.jsonText) is neither cron nor every")
        }
    }
}

/// A schedule that cannot be defined as given: what is wrong and what is expected.
public struct ScheduleDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Durable schedules: the daemon's `SQLiteTaskStore` keeps them beside the tasks, so that a firing and the
/// record of its slot are one transaction.
public protocol ScheduleStore: Sendable {
    func schedules() async throws -> [Schedule]
    /// Adds a schedule, or replaces the definition of one of the same name, keeping its last slot (and
    /// whether it is paused) so that a changed definition neither repeats nor catches up on old slots.
    func saveSchedule(_ schedule: Schedule) async throws
    /// Sets the schedules from coroqd.toml: those of `config` origin not in `schedules` go, the others
    /// are saved (`saveSchedule`). One transaction.
    func replaceConfigSchedules(_ schedules: [Schedule]) async throws
    /// False when there is no such schedule.
    func removeSchedule(named name: String) async throws -> Bool
    /// Pauses or resumes; a resumed schedule skips the slots that passed while it was paused. False when
    /// there is no such schedule.
    func setSchedule(named name: String, paused: Bool, at now: Date) async throws -> Bool
    /// Submits `task` once per slot and records `last` as the schedule's last slot, in one transaction; a
    /// slot recorded already (a slot never fires twice) or a schedule removed meanwhile submits nothing.
    /// Without a task, the slots up to `last` pass unfired.
    func fire(schedule name: String, slots: [Date], task: NewTask?, last: Date, at now: Date) async throws -> [TaskRecord]
    /// The schedule and slot a task was submitted for, if a schedule submitted it.
    func firing(of task: TaskID) async throws -> (schedule: String, slot: Date)?
}
