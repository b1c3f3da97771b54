import Foundation
import HeapModule

/// The deadlines of running (or parked) attempts that have a timeout (`--timeout`), earliest first.
///
/// An attempt that ends before its deadline leaves its heap entry behind; it is skipped when it comes up
/// (its id no longer maps to that deadline), so ending an attempt costs a dictionary removal.
struct AttemptDeadlines: Sendable {
    private struct Entry: Comparable {
        let deadline: Date
        let id: TaskID

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.deadline, lhs.id) < (rhs.deadline, rhs.id)
        }
    }

    private var heap = Heap<Entry>()
    private var deadlines: [TaskID: Date] = [:]

    var count: Int { deadlines.count }

    mutating func add(_ id: TaskID, deadline: Date) {
        deadlines[id] = deadline
        heap.insert(Entry(deadline: deadline, id: id))
    }

    /// Forgets the attempt's deadline (it ended).
    mutating func remove(_ id: TaskID) {
        if deadlines.removeValue(forKey: id) != nil, deadlines.isEmpty { deadlines = [:] }
    }

    /// Takes out the attempts whose deadline is `now` or earlier, earliest first.
    mutating func takeDue(at now: Date) -> [TaskID] {
        var due: [TaskID] = []
        while let first = heap.min, first.deadline <= now {
            heap.removeMin()
            if deadlines[first.id] == first.deadline {
                deadlines[first.id] = nil
                due.append(first.id)
            }
        }
        return due
    }

    /// The earliest deadline still kept.
    mutating func next() -> Date? {
        while let first = heap.min {
            if deadlines[first.id] == first.deadline { return first.deadline }
            heap.removeMin()
        }
        return nil
    }
}
