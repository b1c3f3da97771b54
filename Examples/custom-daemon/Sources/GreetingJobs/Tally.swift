import CoroqCore
import Foundation

/// `tally`: adds up the numbers sent to it (`coroq send ID 5`), reporting its progress as they come, then
/// rests for `rest` seconds — a durable sleep — before returning the total. While it waits for a number
/// or rests it holds no slot of the daemon's concurrency limit. Kill the daemon at any point and start it
/// again: the numbers it had received are received again (the same ones, in the same order), and the
/// rest goes on for only what remained of it.
///
/// `coroq submit tally --args '{"count": 3, "rest": 4}'`, then `coroq send ID 1`, `coroq send ID 2`…
public struct Tally: JobDefinition {
    public struct Arguments: Codable, Sendable {
        /// How many numbers to add up.
        public var count: Int
        /// Seconds to rest once all have arrived. Default 0.
        public var rest: Double?
        /// Give up when no number arrives for this many seconds. Default: wait as long as it takes.
        public var patience: Double?

        public init(count: Int, rest: Double? = nil, patience: Double? = nil) {
            self.count = count
            self.rest = rest
            self.patience = patience
        }
    }

    public let name = "tally"
    public let summary = "Adds up numbers sent to it (coroq send), then rests durably before answering"

    public init() {}

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard (1...10_000).contains(arguments.count) else { throw InvalidArguments("'count' must be from 1 to 10000") }
        guard (arguments.rest ?? 0) >= 0 else { throw InvalidArguments("'rest' must not be negative") }
        guard (arguments.patience ?? 1) > 0 else { throw InvalidArguments("'patience' must be more than 0") }
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> Int {
        var total = 0
        for received in 1...arguments.count {
            total += try await next(arguments, context: context)
            context.progress(Double(received) / Double(arguments.count), "\(received) of \(arguments.count) received")
        }
        context.progress(1, "resting")
        try await context.sleep(for: .milliseconds(Int64((arguments.rest ?? 0) * 1000)))
        return total
    }

    private func next(_ arguments: Arguments, context: JobContext) async throws -> Int {
        guard let patience = arguments.patience else { return try await context.receive(as: Int.self) }
        guard let number = try await context.receive(as: Int.self, timeout: .milliseconds(Int64(patience * 1000))) else {
            throw TaskError(code: "nothing_sent", message: "no number arrived within \(patience) seconds")
        }
        return number
    }
}
