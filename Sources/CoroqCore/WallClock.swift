import CoroqJSON
import Foundation

/// The time as the scheduler and the store see it (deadlines are wall-clock times, kept across restarts),
/// and a way to wait for a moment. Injected: tests set the time instead of waiting for it.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date

    /// Returns at `deadline` (at once if it has passed); throws `CancellationError` when cancelled first.
    func sleep(until deadline: Date) async throws
}

/// The system's clock.
public struct SystemClock: WallClock {
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let remaining = deadline.timeIntervalSinceNow
        if remaining > 0 {
            try await Task.sleep(for: Seconds.duration(remaining))
        } else {
            try Task.checkCancellation()
        }
    }
}
