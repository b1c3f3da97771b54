import CoroqCore
import CoroqJSON

/// `nap-parent`: spawns a built-in `sleep` child and returns what it reported — a parent that awaits its
/// child without holding a slot of the concurrency limit (`scripts/bench-parked --parents N` starts
/// thousands of them beside other work).
public struct NapParent: JobDefinition {
    public struct Arguments: Codable, Sendable {
        /// How long the child sleeps.
        public var seconds: Double

        public init(seconds: Double) {
            self.seconds = seconds
        }
    }

    public let name = "nap-parent"
    public let summary = "Spawns a sleep child and returns once it has slept"

    public init() {}

    public func run(_ arguments: Arguments, context: JobContext) async throws -> JSONValue {
        let child = try await context.spawn(job: "sleep", arguments: ["seconds": .double(arguments.seconds)], name: "nap")
        return try await child.result()
    }
}
