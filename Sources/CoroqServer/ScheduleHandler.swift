import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation
import Logging

/// `schedule.*`: adds, lists, removes, pauses and resumes schedules; every change wakes the
/// `ScheduleService` so it plans again. Also applies coroqd.toml's `[schedules.*]` (at start and reload).
struct ScheduleHandler: Sendable {
    let store: any ScheduleStore
    let service: ScheduleService
    let submit: SubmitHandler
    let logger: Logger

    func add(_ params: ScheduleAddParams) async throws(RPCError) -> ScheduleInfo {
        let schedule = try define(
            name: params.name, cron: params.cron, timeZone: params.timeZone, every: params.every,
            catchUp: params.catchUp, task: params.task, origin: .command, at: Date())
        do {
            try await store.saveSchedule(schedule)
            service.scheduleChanged()
            guard let saved = try await store.schedules().first(where: { $0.name == schedule.name }) else {
                throw RPCError(.scheduleNotFound, "schedule \(schedule.name) was removed meanwhile")
            }
            logger.info("schedule added", metadata: ["schedule": "\(saved.name)", "timing": "\(saved.timing)"])
            return ScheduleInfo(saved, now: Date())
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    func list() async throws(RPCError) -> ScheduleListResult {
        do {
            let now = Date()
            return ScheduleListResult(schedules: try await store.schedules().map { ScheduleInfo($0, now: now) })
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    func remove(_ params: ScheduleNameParams) async throws(RPCError) -> ScheduleListResult {
        do {
            guard try await store.removeSchedule(named: params.name) else { throw Self.notFound(params.name) }
            service.scheduleChanged()
            return try await list()
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    func setPaused(_ params: ScheduleNameParams, _ paused: Bool) async throws(RPCError) -> ScheduleInfo {
        do {
            let now = Date()
            guard try await store.setSchedule(named: params.name, paused: paused, at: now),
                  let schedule = try await store.schedules().first(where: { $0.name == params.name })
            else { throw Self.notFound(params.name) }
            service.scheduleChanged()
            return ScheduleInfo(schedule, now: now)
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// Sets the schedules of coroqd.toml: all of them checked first; any bad one and nothing changes.
    func applyConfig(_ settings: [ScheduleSetting]) async throws {
        let now = Date()
        var schedules: [Schedule] = []
        for setting in settings {
            let spec: TaskSpec
            do {
                spec = try setting.task.decode(as: TaskSpec.self)
            } catch {
                throw RPCError(.invalidSchedule, "schedule \(setting.name): its task: \(error)")
            }
            schedules.append(try define(
                name: setting.name, cron: setting.cron, timeZone: setting.timeZone, every: setting.every,
                catchUp: setting.catchUp.rawValue, task: spec, origin: .config, at: now))
        }
        try await store.replaceConfigSchedules(schedules)
        service.scheduleChanged()
    }

    /// A schedule from its parts, every part checked: the name, the timing, the catch-up policy and the
    /// task (as a submit checks it).
    private func define(
        name: String, cron: String?, timeZone: String?, every: String?, catchUp: String?, task: TaskSpec,
        origin: Schedule.Origin, at now: Date
    ) throws(RPCError) -> Schedule {
        guard Schedule.isValidName(name) else {
            throw RPCError(.invalidSchedule, "schedule name '\(name)': use letters, digits, '-', '_' and '.' (1 to 100)")
        }
        let timing: ScheduleTiming
        do {
            timing = try ScheduleTiming(cron: cron, timeZone: timeZone, every: every)
        } catch {
            throw RPCError(.invalidSchedule, "schedule \(name): \(error.message)")
        }
        guard let policy = CatchUp(rawValue: catchUp ?? CatchUp.last.rawValue) else {
            throw RPCError(.invalidSchedule, "schedule \(name): catch_up '\(catchUp ?? "")': expected none, last or all")
        }
        guard task.after == nil else {
            throw RPCError(.invalidSchedule, "schedule \(name): a schedule's task cannot wait for other tasks (--after); chain from the task it submits instead")
        }
        guard task.key == nil, task.then == nil else {
            throw RPCError(.invalidSchedule, "schedule \(name): a schedule's task takes no \"key\" (every firing would be the same task) and no \"then\"")
        }
        _ = try submit.newTask(task)
        let object: JSONValue
        do {
            object = try JSONValue(encoding: task)
        } catch {
            throw RPCError(.invalidParams, "schedule \(name): its task does not encode: \(error)")
        }
        return Schedule(name: name, timing: timing, catchUp: policy, task: object, origin: origin, createdAt: now)
    }

    static func notFound(_ name: String) -> RPCError {
        RPCError(.scheduleNotFound, "no schedule named '\(name)'", data: ["name": .string(name)])
    }
}

extension ScheduleInfo {
    init(_ schedule: Schedule, now: Date) {
        let next = schedule.paused ? nil : schedule.rule.nextFiring(after: max(schedule.lastSlot, now))
        self.init(
            name: schedule.name, timing: schedule.timing.description, catchUp: schedule.catchUp.rawValue,
            task: schedule.task, origin: schedule.origin.rawValue, paused: schedule.paused,
            next: next?.timeIntervalSince1970, lastSlot: schedule.lastSlot.timeIntervalSince1970)
    }
}
