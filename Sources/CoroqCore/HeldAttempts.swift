import Foundation
import HeapModule

/// First attempts of timed jobs (`TimedJob`) waiting for their ready time, earliest first.
///
/// What a sleeping task costs instead of a suspended coroutine: its record and its control, in one heap.
struct HeldAttempts {
    typealias Attempt = (record: TaskRecord, control: AttemptControl)

    private struct Entry: Comparable {
        let readyAt: Date
        let record: TaskRecord
        let control: AttemptControl

        var attempt: Attempt { (record, control) }

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.readyAt, lhs.record.id) < (rhs.readyAt, rhs.record.id)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.readyAt == rhs.readyAt && lhs.record.id == rhs.record.id
        }
    }

    private var heap = Heap<Entry>()

    var isEmpty: Bool { heap.isEmpty }

    /// The earliest ready time of an attempt held.
    var nextReadyTime: Date? { heap.min?.readyAt }

    mutating func hold(_ attempt: Attempt, until readyAt: Date) {
        heap.insert(Entry(readyAt: readyAt, record: attempt.record, control: attempt.control))
    }

    /// Takes one attempt out before its time (a cancel: rare, so a scan); nil if it is not held.
    mutating func release(_ id: TaskID) -> Attempt? {
        guard let entry = heap.unordered.first(where: { $0.record.id == id }) else { return nil }
        heap.removeAll { $0.record.id == id }
        return entry.attempt
    }

    /// Takes out up to `limit` attempts whose ready time is `now` or earlier, earliest first.
    mutating func takeReady(at now: Date, limit: Int) -> [Attempt] {
        var ready: [Attempt] = []
        while ready.count < limit, let first = heap.min, first.readyAt <= now {
            ready.append(heap.removeMin().attempt)
        }
        return ready
    }

    /// Takes out every attempt, whatever its ready time.
    mutating func takeAll() -> [Attempt] {
        defer { heap = Heap() }
        return heap.unordered.map(\.attempt)
    }
}
