import CoroqJSON
import Foundation

extension JobContext {
    /// Sleeps for `duration`, durably: the deadline is stored the first time, so a re-run of the task
    /// (after a crash or a restart) sleeps only what remains of it. Holds no slot of the concurrency
    /// limit while it sleeps (`waiting`). Throws `CancellationError` when the task is cancelled.
    ///
    /// - Important: sleeps are told apart by their order within the run (the first `sleep(for:)` of the
    ///   job, the second…): make them in the same order on every run.
    public func sleep(for duration: Duration) async throws {
        let number = sequence.next(.sleep)
        let now = clock.now()
        let stored = try await remember("coroq.sleep.\(number)") { now.addingTimeInterval(Seconds.of(duration)).timeIntervalSince1970 }
        try await sleep(until: Date(timeIntervalSince1970: stored))
    }

    /// Sleeps until `deadline` on the scheduler's clock, holding no slot meanwhile; returns at once if it
    /// has passed. Throws `CancellationError` when the task is cancelled.
    public func sleep(until deadline: Date) async throws {
        guard deadline > clock.now() else { return try Task.checkCancellation() }
        try await waiting { try await clock.sleep(until: deadline) }
    }

    /// The next value sent to this task (`coroq send ID JSON`), decoded as `Value`; waits, holding no slot,
    /// until one is sent. Each value is received once: when the task runs again after a crash, its n-th
    /// receive returns the value the n-th receive took before.
    ///
    /// - Important: a value that does not decode as `Value` throws (and stays taken by this receive: a
    ///   re-run gets the same value again). Throws `CancellationError` when the task is cancelled.
    public func receive<Value: Decodable & Sendable>(as type: Value.Type = Value.self) async throws -> Value {
        guard let value = try await receiveValue(until: nil) else { throw CancellationError() }
        return try value.decode(as: Value.self)
    }

    /// `receive`, giving up after `timeout`: nil when nothing was sent by then.
    public func receive<Value: Decodable & Sendable>(
        as type: Value.Type = Value.self, timeout: Duration
    ) async throws -> Value? {
        let deadline = clock.now().addingTimeInterval(Seconds.of(timeout))
        return try await receiveValue(until: deadline)?.decode(as: Value.self)
    }

    private func receiveValue(until deadline: Date?) async throws -> JSONValue? {
        guard let messages else { throw TaskError.noMessages }
        let number = sequence.next(.receive)
        let task = taskID
        return try await waiting { try await messages.receive(task, number: number, until: deadline) }
    }
}
