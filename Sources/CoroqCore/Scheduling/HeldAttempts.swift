import Foundation
import HeapModule

/// Attempts of timed jobs (`TimedJob`) waiting for their ready time, earliest first.
///
/// What a sleeping task costs instead of a suspended coroutine: its record in a heap entry, and its id in a
/// set. An attempt taken out early (a cancel) leaves only the set; its heap entry is skipped when it comes up.
struct HeldAttempts: Sendable {
    private struct Entry: Comparable {
        let readyAt: Date
        let record: TaskRecord
        /// True when `readyAt` is the attempt's deadline (`--timeout`), which comes before its job's ready
        /// time: it is recorded as timed out.
        let timesOut: Bool

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.readyAt, lhs.record.id) < (rhs.readyAt, rhs.record.id)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.readyAt == rhs.readyAt && lhs.record.id == rhs.record.id
        }
    }

    private var heap = Heap<Entry>()
    private var held = Set<TaskID>()

    var count: Int { held.count }

    /// Holds the attempt until `readyAt`; `timesOut`: that time is its deadline, it then times out.
    mutating func hold(_ record: TaskRecord, until readyAt: Date, timesOut: Bool = false) {
        held.insert(record.id)
        heap.insert(Entry(readyAt: readyAt, record: record, timesOut: timesOut))
    }

    func contains(_ id: TaskID) -> Bool {
        held.contains(id)
    }

    /// Takes one attempt out before its time; false if it is not held.
    mutating func release(_ id: TaskID) -> Bool {
        held.remove(id) != nil
    }

    /// Takes out up to `limit` attempts whose ready time is `now` or earlier, earliest first, each with
    /// whether it timed out (its deadline came first).
    mutating func takeReady(at now: Date, limit: Int) -> [(record: TaskRecord, timedOut: Bool)] {
        var ready: [(record: TaskRecord, timedOut: Bool)] = []
        while ready.count < limit, let first = heap.min, first.readyAt <= now {
            heap.removeMin()
            if held.remove(first.record.id) != nil { ready.append((first.record, first.timesOut)) }
        }
        return ready
    }

    /// Takes out every attempt, whatever its ready time.
    mutating func takeAll() -> [TaskRecord] {
        defer {
            heap = Heap()
            held = []
        }
        return heap.unordered.filter { held.contains($0.record.id) }.map(\.record).sorted { $0.id < $1.id }
    }

    /// The earliest ready time of an attempt still held.
    mutating func nextReadyTime() -> Date? {
        while let first = heap.min {
            if held.contains(first.record.id) { return first.readyAt }
            heap.removeMin()
        }
        return nil
    }
}
