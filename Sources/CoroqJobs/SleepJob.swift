import CoroqCore
import CoroqJSON
import Foundation

/// `sleep`: an await-able sleep (`Task.sleep`, no thread held).
///
/// The deadline is stored with the task at the first attempt, so after a restart the task sleeps only
/// what remains (and not at all when the deadline passed while the daemon was down).
public struct SleepJob: JobDefinition {
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

    public func run(_ arguments: Arguments, context: JobContext) async throws -> Output {
        let deadline = try await context.remember("deadline") {
            Date().timeIntervalSince1970 + arguments.seconds
        }
        let remaining = deadline - Date().timeIntervalSince1970
        if remaining > 0 {
            try await Task.sleep(for: Seconds.duration(remaining))
        }
        return Output(seconds: arguments.seconds)
    }
}
