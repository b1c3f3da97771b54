import CoroqJSON

/// A JSON-RPC error object. `code` is numeric (JSON-RPC's); `data.reason` is a stable word for scripts.
public struct RPCError: Error, Codable, Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: JSONValue?

    public init(_ code: RPCErrorCode, _ message: String, data: [String: JSONValue] = [:]) {
        self.code = code.rawValue
        self.message = message
        var data = data
        data["reason"] = .string(code.reason)
        self.data = .object(data)
    }

    /// The known code, or nil for one this client does not know.
    public var knownCode: RPCErrorCode? { RPCErrorCode(rawValue: code) }

    public var description: String { message }
}

/// Every error code the daemon answers with. Documented in docs/PROTOCOL.md.
public enum RPCErrorCode: Int, Sendable, CaseIterable {
    // JSON-RPC 2.0's own.
    case parseError = -32700
    case invalidRequest = -32600
    case methodNotFound = -32601
    case invalidParams = -32602
    case internalError = -32603
    // coroq's.
    case helloRequired = -32000
    case unsupportedVersion = -32001
    case frameTooLarge = -32002
    case notAllowed = -32003
    case tooManyConnections = -32004
    case unknownJob = -32010
    case invalidArguments = -32011
    case taskNotFound = -32012
    case taskNotFinished = -32013
    case wrongState = -32014
    case taskTooLarge = -32015
    case unknownDependency = -32016
    case futureAlreadyResolved = -32017
    case notAFuture = -32018
    case taskFinished = -32019
    case storageFailure = -32020
    case shuttingDown = -32021
    /// No schedule of that name.
    case scheduleNotFound = -32030
    /// A schedule's timing (cron, zone, interval, catch-up) or name that cannot be used.
    case invalidSchedule = -32031
    /// A submit's run time (`in`, `run_at`) is not a usable time.
    case invalidRunTime = -32040
    /// A submit's retry policy (`retries`, `backoff`, …) or priority is out of range.
    case invalidRetryPolicy = -32041
    /// `retry` of a task that cannot be retried (a standalone future).
    case notRetryable = -32042
    /// A queue that is neither configured (`[queues.NAME]`) nor created (`coroq queue set`).
    case unknownQueue = -32050
    /// A queue name or setting (concurrency, rate) that cannot be used.
    case invalidQueue = -32051
    /// A submit's idempotency key (`key`) belongs to a task with other job or arguments.
    case keyConflict = -32060

    /// A stable word for the code, carried in `error.data.reason`.
    public var reason: String {
        switch self {
        case .parseError: "parse_error"
        case .invalidRequest: "invalid_request"
        case .methodNotFound: "method_not_found"
        case .invalidParams: "invalid_params"
        case .internalError: "internal_error"
        case .helloRequired: "hello_required"
        case .unsupportedVersion: "unsupported_version"
        case .frameTooLarge: "frame_too_large"
        case .notAllowed: "not_allowed"
        case .tooManyConnections: "too_many_connections"
        case .unknownJob: "unknown_job"
        case .invalidArguments: "invalid_arguments"
        case .taskNotFound: "task_not_found"
        case .taskNotFinished: "task_not_finished"
        case .wrongState: "wrong_state"
        case .taskTooLarge: "task_too_large"
        case .unknownDependency: "unknown_dependency"
        case .futureAlreadyResolved: "future_already_resolved"
        case .notAFuture: "not_a_future"
        case .taskFinished: "task_finished"
        case .storageFailure: "storage_failure"
        case .shuttingDown: "shutting_down"
        case .scheduleNotFound: "schedule_not_found"
        case .invalidSchedule: "invalid_schedule"
        case .invalidRunTime: "invalid_run_time"
        case .invalidRetryPolicy: "invalid_retry_policy"
        case .notRetryable: "not_retryable"
        case .unknownQueue: "unknown_queue"
        case .invalidQueue: "invalid_queue"
        case .keyConflict: "key_conflict"
        }
    }
}
