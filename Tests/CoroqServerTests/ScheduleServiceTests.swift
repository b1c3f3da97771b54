import CoroqCore
import CoroqJSON
@testable import CoroqServer
import CoroqStore
import Foundation
import Logging
import Testing

/// The schedule service against a real store, on a set clock: firings missed while the daemon was down
/// follow the schedule's catch-up policy, and a slot never fires twice.
@Suite struct ScheduleServiceTests {
    /// Created at 0, every minute; this daemon started at 600.5 s: slots 60 … 600 were missed.
    static let created = Date(timeIntervalSince1970: 1_800_000_000)
    static let booted = created.addingTimeInterval(600.5)

    struct SetClock: WallClock {
        let time: Date
        func now() -> Date { time }
        func sleep(until deadline: Date) async throws {}
    }

    func service(_ store: SQLiteTaskStore, at now: Date, makeTask: @escaping @Sendable (JSONValue) throws -> NewTask = { _ in
        NewTask(job: "noop", arguments: .emptyObject)
    }) -> ScheduleService {
        ScheduleService(store: store, makeTask: makeTask, wake: {}, clock: SetClock(time: now), bootedAt: Self.booted,
                        logger: Logger(label: "test"))
    }

    func store(catchUp: CatchUp) async throws -> SQLiteTaskStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("coroq-schedules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteTaskStore.open(path: directory.appendingPathComponent("coroq.db").path)
        try await store.saveSchedule(Schedule(
            name: "every-minute", timing: .every(seconds: 60), catchUp: catchUp, task: ["job": "noop"],
            origin: .command, createdAt: Self.created))
        return store
    }

    @Test(arguments: [(CatchUp.none, 0), (.last, 1), (.all, 10)])
    func missedFiringsFollowThePolicyAndNoSlotFiresTwice(policy: CatchUp, fired: Int) async throws {
        let store = try await store(catchUp: policy)
        let next = await service(store, at: Self.booted).fireDue()
        #expect(try await store.recentTasks(limit: 100).count == fired)
        #expect(next == Self.created.addingTimeInterval(660))
        // Again at the same moment (a restart, a second look): nothing more.
        _ = await service(store, at: Self.booted).fireDue()
        #expect(try await store.recentTasks(limit: 100).count == fired)
        // The next slot comes while running: it fires whatever the policy.
        _ = await service(store, at: Self.created.addingTimeInterval(660.2)).fireDue()
        let tasks = try await store.recentTasks(limit: 100)
        #expect(tasks.count == fired + 1)
        let newest = try #require(tasks.map(\.id).max())
        let firing = try #require(try await store.firing(of: newest))
        #expect(firing.schedule == "every-minute" && firing.slot == Self.created.addingTimeInterval(660))
    }

    @Test func aTaskThatNoLongerPassesLetsItsSlotsPassUnfired() async throws {
        let store = try await store(catchUp: .all)
        _ = await service(store, at: Self.booted, makeTask: { _ in throw TaskError(code: "unknown_job", message: "gone") }).fireDue()
        #expect(try await store.recentTasks(limit: 100).isEmpty)
        #expect(try await store.schedules().first?.lastSlot == Self.created.addingTimeInterval(600))
    }

    @Test func aPausedScheduleFiresNothingAndSkipsWhatPassedWhenResumed() async throws {
        let store = try await store(catchUp: .all)
        #expect(try await store.setSchedule(named: "every-minute", paused: true, at: Self.created))
        #expect(await service(store, at: Self.booted).fireDue() == nil)
        #expect(try await store.setSchedule(named: "every-minute", paused: false, at: Self.booted))
        _ = await service(store, at: Self.booted).fireDue()
        #expect(try await store.recentTasks(limit: 100).isEmpty)
    }
}
