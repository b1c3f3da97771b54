extension TaskInfo {
    /// Where a task is in its life, as the wire names it: `queued`, `running`, `interrupted`, `blocked`
    /// (waiting for its `--after` dependencies), `scheduled` (waiting for its run time), `pending` (a standalone future not resolved yet),
    /// `succeeded`, `failed`, `cancelled`.
    ///
    /// - Important: a newer daemon may send a state this client does not know; it reads as `unknown` with
    ///   its word kept, and prints as that word.
    public enum State: Sendable, Hashable, Codable, CustomStringConvertible {
        case queued
        case running
        case interrupted
        case succeeded
        case failed
        case cancelled
        case blocked
        case pending
        /// Waiting for its run time (`run_at`): a delay (`--in`/`--at`) or a retry's back-off.
        case scheduled
        case unknown(String)

        /// Every state this version knows, in the order a person reads them (waiting, running, done).
        public static let known: [State] = [.pending, .blocked, .scheduled, .queued, .running, .interrupted, .succeeded, .failed, .cancelled]

        /// The final states: the ones `clean` may delete.
        public static let final: [State] = [.succeeded, .failed, .cancelled]

        public init(rawValue: String) {
            switch rawValue {
            case "queued": self = .queued
            case "running": self = .running
            case "interrupted": self = .interrupted
            case "succeeded": self = .succeeded
            case "failed": self = .failed
            case "cancelled": self = .cancelled
            case "blocked": self = .blocked
            case "pending": self = .pending
            case "scheduled": self = .scheduled
            default: self = .unknown(rawValue)
            }
        }

        /// The state's word on the wire.
        public var rawValue: String {
            switch self {
            case .queued: "queued"
            case .running: "running"
            case .interrupted: "interrupted"
            case .succeeded: "succeeded"
            case .failed: "failed"
            case .cancelled: "cancelled"
            case .blocked: "blocked"
            case .pending: "pending"
            case .scheduled: "scheduled"
            case .unknown(let word): word
            }
        }

        /// True once the task's future has completed (a state this client does not know is not final).
        public var isFinal: Bool { Self.final.contains(self) }

        public var description: String { rawValue }

        public init(from decoder: any Decoder) throws {
            self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }
    }
}
