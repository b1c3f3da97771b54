import CoroqJSON

/// `schedule.add`: a schedule that submits `task` at each firing — by a cron expression (in `time_zone`,
/// default the daemon's) or every `every` (a duration such as "5m"). Replaces a schedule of that name,
/// keeping its last firing.
public struct ScheduleAddParams: Codable, Sendable {
    public var name: String
    public var cron: String?
    public var timeZone: String?
    public var every: String?
    /// `none`, `last` (the default) or `all`: firings missed while the daemon was down.
    public var catchUp: String?
    public var task: TaskSpec

    public init(name: String, cron: String?, timeZone: String?, every: String?, catchUp: String?, task: TaskSpec) {
        self.name = name
        self.cron = cron
        self.timeZone = timeZone
        self.every = every
        self.catchUp = catchUp
        self.task = task
    }

    enum CodingKeys: String, CodingKey { case name, cron, timeZone = "time_zone", every, catchUp = "catch_up", task }
}

/// `schedule.remove`, `schedule.pause`, `schedule.resume`: one schedule by name.
public struct ScheduleNameParams: Codable, Sendable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// A schedule as `schedule.list` and `schedule.add` answer it.
public struct ScheduleInfo: Codable, Sendable, Equatable {
    public var name: String
    /// When it fires, for people: `cron 30 2 * * * Europe/Berlin`, `every 5m`.
    public var timing: String
    public var catchUp: String
    /// The task each firing submits.
    public var task: JSONValue
    /// `config` (coroqd.toml) or `command` (`coroq schedule add`).
    public var origin: String
    public var paused: Bool
    /// Seconds since 1970: the next firing (absent when paused, or when it never fires again).
    public var next: Double?
    /// Seconds since 1970: the latest slot fired or passed over.
    public var lastSlot: Double

    public init(name: String, timing: String, catchUp: String, task: JSONValue, origin: String, paused: Bool, next: Double?, lastSlot: Double) {
        self.name = name
        self.timing = timing
        self.catchUp = catchUp
        self.task = task
        self.origin = origin
        self.paused = paused
        self.next = next
        self.lastSlot = lastSlot
    }

    enum CodingKeys: String, CodingKey {
        case name, timing, catchUp = "catch_up", task, origin, paused, next, lastSlot = "last_slot"
    }
}

/// The answer to `schedule.list`.
public struct ScheduleListResult: Codable, Sendable {
    public var schedules: [ScheduleInfo]
    public init(schedules: [ScheduleInfo]) { self.schedules = schedules }
}

/// `schedule.list` takes no parameters.
public struct ScheduleListParams: Codable, Sendable {
    public init() {}
}

/// Which schedule submitted a task, for which slot (`show`).
public struct ScheduleFiringInfo: Codable, Sendable, Equatable {
    public var name: String
    /// Seconds since 1970: the slot's time (when it was due, not when it was submitted).
    public var slot: Double

    public init(name: String, slot: Double) {
        self.name = name
        self.slot = slot
    }
}
