import CoroqCore
import CoroqJSON

/// `noop`: returns its arguments. For tests, benchmarks and checking that the daemon runs tasks.
public struct NoopJob: JobDefinition {
    public let summary = "Returns its arguments: for tests, benchmarks and checking that the daemon runs tasks"
    public let name = "noop"

    public init() {}

    public func run(_ arguments: JSONValue, context: JobContext) async throws -> JSONValue {
        arguments
    }
}
