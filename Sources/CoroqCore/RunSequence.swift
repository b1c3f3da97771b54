import Synchronization

/// Numbers an attempt's durable operations of one kind (sleeps, receives) 1, 2, 3… in the order the job
/// makes them. A re-run of the task makes them in the same order, so number n names the same operation
/// in every attempt: what it stored (a deadline, the value it took) is found again.
final class RunSequence: Sendable {
    enum Kind: Sendable, Hashable {
        case sleep
        case receive
    }

    private let counters = Mutex<[Kind: Int]>([:])

    /// The next number of `kind`, from 1.
    func next(_ kind: Kind) -> Int {
        counters.withLock { counters in
            counters[kind, default: 0] += 1
            return counters[kind]!
        }
    }
}
