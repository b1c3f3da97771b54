import CoroqCore
import Foundation
import Synchronization

/// A clock that moves only when the test says so. Sleepers wake when `advance` passes their deadline;
/// `sleeper(until:)` waits until someone sleeps until a given time (a timer was armed).
final class ManualClock: WallClock {
    private struct Sleeper {
        let deadline: Date
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextKey = 0
        var sleepers: [Int: Sleeper] = [:]
        /// Deadlines slept for so far, and tests waiting for one.
        var deadlines: [Date] = []
        var watchers: [(Date, CheckedContinuation<Void, Never>)] = []
    }

    private let state: Mutex<State>

    init(now: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        state = Mutex(State(now: now))
    }

    func now() -> Date { state.withLock(\.now) }

    func sleep(until deadline: Date) async throws {
        let key = state.withLock { state in
            defer { state.nextKey += 1 }
            return state.nextKey
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (due, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    state.deadlines.append(deadline)
                    let matched = state.watchers.filter { $0.0 == deadline }.map(\.1)
                    state.watchers.removeAll { $0.0 == deadline }
                    if Task.isCancelled || deadline <= state.now { return (true, matched) }
                    state.sleepers[key] = Sleeper(deadline: deadline, continuation: continuation)
                    return (false, matched)
                }
                for watcher in watchers { watcher.resume() }
                if due {
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else {
                        continuation.resume()
                    }
                }
            }
        } onCancel: {
            state.withLock { $0.sleepers.removeValue(forKey: key) }?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves the time on; sleepers whose deadline has come wake.
    func advance(by seconds: TimeInterval) {
        let due = state.withLock { state -> [Sleeper] in
            state.now = state.now.addingTimeInterval(seconds)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for key in due.keys { state.sleepers[key] = nil }
            return Array(due.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// Returns once someone has slept (or is sleeping) until `deadline`.
    func sleeper(until deadline: Date) async {
        await withCheckedContinuation { continuation in
            let seen = state.withLock { state in
                if state.deadlines.contains(deadline) { return true }
                state.watchers.append((deadline, continuation))
                return false
            }
            if seen { continuation.resume() }
        }
    }
}
