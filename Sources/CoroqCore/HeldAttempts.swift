import Foundation
import HeapModule

/// First attempts of timed jobs (`TimedJob`) waiting for their ready time, earliest first.
///
/// What a sleeping task costs instead of a suspended coroutine: its record, its control and a heap entry.
/// An attempt taken out early (a cancel) leaves its heap entry behind, skipped when it comes up.
struct HeldAttempts {
    typealias Attempt = (record: TaskRecord, control: AttemptControl)

    private struct Entry: Comparable {
        let readyAt: Date
        let id: TaskID

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.readyAt, lhs.id) < (rhs.readyAt, rhs.id)
        }
    }

    private var heap = Heap<Entry>()
    private var held: [TaskID: Attempt] = [:]

    var isEmpty: Bool { held.isEmpty }

    mutating func hold(_ attempt: Attempt, until readyAt: Date) {
        held[attempt.record.id] = attempt
        heap.insert(Entry(readyAt: readyAt, id: attempt.record.id))
    }

    /// Takes one attempt out before its time; nil if it is not held.
    mutating func release(_ id: TaskID) -> Attempt? {
        held.removeValue(forKey: id)
    }

    /// Takes out up to `limit` attempts whose ready time is `now` or earlier, earliest first.
    mutating func takeReady(at now: Date, limit: Int) -> [Attempt] {
        var ready: [Attempt] = []
        while ready.count < limit, let first = heap.min, first.readyAt <= now {
            heap.removeMin()
            if let attempt = held.removeValue(forKey: first.id) { ready.append(attempt) }
        }
        return ready
    }

    /// Takes out every attempt, whatever its ready time.
    mutating func takeAll() -> [Attempt] {
        defer {
            heap = Heap()
            held = [:]
        }
        return Array(held.values)
    }

    /// The earliest ready time of an attempt still held.
    mutating func nextReadyTime() -> Date? {
        while let first = heap.min {
            if held[first.id] != nil { return first.readyAt }
            heap.removeMin()
        }
        return nil
    }
}
