import CoroqCore
import CoroqJSON
import Foundation

/// `sleep`: an await-able sleep (`Task.sleep`, no thread held).
///
/// The deadline is the first attempt's recorded start plus `seconds`, so after a restart the task sleeps
/// only what remains (and not at all when the deadline passed while the daemon was down). It costs no
/// write: the start is recorded when the task is claimed. (coroq 0.1 stored the deadline as a checkpoint;
/// a task that has one keeps it.) A `TimedJob`: a first attempt waits in the scheduler's timer heap, not
/// as a suspended task.
public struct SleepJob: TimedJob {
    public struct Arguments: Codable, Sendable {
        public var seconds: Double

        public init(seconds: Double) {
            self.seconds = seconds
        }
    }

    public struct Output: Codable, Sendable {
        public var seconds: Double
    }

    public let name = "sleep"

    public init() {}

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard Seconds.isValid(arguments.seconds) else {
            throw InvalidArguments(
                "'seconds' must be a number of seconds from 0 to \(Int(Seconds.maximum)) (got \(arguments.seconds))")
        }
    }

    public func readyTime(_ arguments: Arguments, firstStartedAt: Date) -> Date {
        firstStartedAt.addingTimeInterval(arguments.seconds)
    }

    public func output(_ arguments: Arguments) -> Output {
        Output(seconds: arguments.seconds)
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> Output {
        var deadline = context.firstStartedAt.timeIntervalSince1970 + arguments.seconds
        if context.attempt > 1, let stored = try await context.remembered("deadline", as: Double.self) {
            deadline = stored
        }
        let remaining = deadline - Date().timeIntervalSince1970
        if remaining > 0 {
            try await Task.sleep(for: Seconds.duration(remaining))
        }
        return Output(seconds: arguments.seconds)
    }
}
