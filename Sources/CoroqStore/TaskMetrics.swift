import CoroqCore
import Foundation
import Metrics
import Synchronization

/// The daemon's task metrics, recorded through swift-metrics where things happen (and shown on `/metrics`
/// when a Prometheus factory is bootstrapped). Off until `enable()`: then a submit or a finish costs one
/// dictionary lookup under a lock per job and outcome, and nothing at all while off.
public final class TaskMetrics: Sendable {
    public static let shared = TaskMetrics()

    private let enabled = Atomic<Bool>(false)
    private struct FinishKey: Hashable {
        let job: String
        let outcome: TaskState
    }

    private let submittedByJob = Mutex<[String: Counter]>([:])
    private let finishedBy = Mutex<[FinishKey: Counter]>([:])
    private let callbackFailures = Mutex<Counter?>(nil)
    private let attemptDurations = Mutex<Metrics.Timer?>(nil)
    /// Finished and failed tasks per minute over the last hour: the overview's chart.
    public let recentMinutes = MinuteCounts()

    private init() {}

    /// Turns recording on (once the metrics system is bootstrapped).
    public func enable() {
        enabled.store(true, ordering: .releasing)
    }

    public var isEnabled: Bool { enabled.load(ordering: .acquiring) }

    /// Tasks accepted, counted by job.
    public func submitted(_ tasks: [NewTask]) {
        guard isEnabled else { return }
        var byJob: [String: Int] = [:]
        for task in tasks { byJob[task.job, default: 0] += 1 }
        for (job, count) in byJob {
            let counter = submittedByJob.withLock { counters in
                if let counter = counters[job] { return counter }
                let counter = Counter(label: "coroq_tasks_submitted_total", dimensions: [("job", job)])
                counters[job] = counter
                return counter
            }
            counter.increment(by: Int64(count))
        }
    }

    /// A task reached a final state: counted by job and outcome; its last attempt's duration recorded.
    public func finished(_ record: TaskRecord) {
        guard isEnabled else { return }
        // Looked up by job and state, with no string built: this runs once per finished task.
        let key = FinishKey(job: record.job, outcome: record.state)
        let counter = finishedBy.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(label: "coroq_tasks_finished_total", dimensions: [("job", key.job), ("outcome", key.outcome.rawValue)])
            counters[key] = counter
            return counter
        }
        counter.increment()
        recentMinutes.add(failed: record.state == .failed, at: record.finishedAt ?? Date())
        if let started = record.startedAt, let finished = record.finishedAt, finished >= started {
            let timer = attemptDurations.withLock { timer in
                if timer == nil {
                    timer = Metrics.Timer(label: "coroq_attempt_duration_seconds", preferredDisplayUnit: .seconds)
                }
                return timer!
            }
            timer.recordNanoseconds(Int64(finished.timeIntervalSince(started) * 1e9))
        }
    }

    /// An on-done command failed (it exited non-zero, or could not start).
    public func callbackFailed() {
        guard isEnabled else { return }
        callbackFailures.withLock { counter in
            if counter == nil { counter = Counter(label: "coroq_callback_failures_total") }
            return counter!
        }.increment()
    }
}

/// Counts per minute for the last 60 minutes, in a ring: what finished and what of it failed.
public final class MinuteCounts: Sendable {
    public struct Minute: Sendable, Equatable {
        /// Minutes since 1970.
        public var minute: Int64
        public var finished: Int
        public var failed: Int

        public init(minute: Int64, finished: Int, failed: Int) {
            self.minute = minute
            self.finished = finished
            self.failed = failed
        }
    }

    private let ring = Mutex<[Minute]>(Array(repeating: Minute(minute: -1, finished: 0, failed: 0), count: 60))

    public init() {}

    public func add(failed: Bool, at date: Date) {
        let minute = Int64(date.timeIntervalSince1970 / 60)
        ring.withLock { ring in
            let slot = Int(minute % 60)
            if ring[slot].minute != minute { ring[slot] = Minute(minute: minute, finished: 0, failed: 0) }
            ring[slot].finished += 1
            if failed { ring[slot].failed += 1 }
        }
    }

    /// The last 60 minutes up to `now`, oldest first (a minute with nothing counted is zeros).
    public func lastHour(now: Date) -> [Minute] {
        let current = Int64(now.timeIntervalSince1970 / 60)
        return ring.withLock { ring in
            (0..<60).map { back in
                let minute = current - 59 + Int64(back)
                let slot = ring[Int(minute % 60)]
                return slot.minute == minute ? slot : Minute(minute: minute, finished: 0, failed: 0)
            }
        }
    }
}
