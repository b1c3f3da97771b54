import CoroqCore
import CoroqJSON
import Foundation

/// `sleep`: an await-able sleep (`Task.sleep`, no thread held).
///
/// The deadline is the first attempt's recorded start plus `seconds`, so after a restart the task sleeps
/// only what remains (and not at all when the deadline passed while the daemon was down). It costs no
/// write: the start is recorded when the task is claimed. A `TimedJob`: an attempt waits in the
/// scheduler's timer heap, not as a suspended task.
public struct SleepJob: TimedJob {
    public struct Arguments: Codable, Sendable {
        public var seconds: Double

        public init(seconds: Double) {
            self.seconds = seconds
        }

        /// `seconds` as a number, or as a duration written for people (`"2m"`, `"1h30m"`, `"500ms"`).
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let seconds = try? container.decode(Double.self, forKey: .seconds) {
                self.seconds = seconds
                return
            }
            let text = try container.decode(String.self, forKey: .seconds)
            guard let seconds = Seconds.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .seconds, in: container, debugDescription: DurationSyntaxError(text: text).description)
            }
            self.seconds = seconds
        }
    }

    public struct Output: Codable, Sendable {
        public var seconds: Double
    }

    public let summary = "Waits, durably: after a restart it sleeps only what remains"
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
        let remaining = readyTime(arguments, firstStartedAt: context.firstStartedAt).timeIntervalSinceNow
        if remaining > 0 {
            try await Task.sleep(for: Seconds.duration(remaining))
        }
        return Output(seconds: arguments.seconds)
    }
}
