import CoroqJSON
import Foundation

/// Queues: every task is in one (`default` unless submitted `--queue NAME`). A queue may have its own
/// concurrency limit (beside the global one), a rate limit, and may be paused; the scheduler's state
/// machine counts its attempts in memory (`QueueBook`).
public enum QueueName {
    /// The queue of a task submitted without `--queue`; it always exists.
    public static let defaultQueue = "default"

    /// What a queue name is, for error messages.
    public static let expected = "a queue name is 1 to 64 letters, digits, '.', '_' and '-'"

    /// True for a short token: 1 to 64 of `[A-Za-z0-9._-]`.
    public static func isValid(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= 64 else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }
}

/// A rate limit: at most `count` attempts start in any window of `interval` seconds (a sliding window).
/// Written `"10/1s"`, `"100/1m"`, `"1/500ms"`: a count, a slash, a duration (`Seconds.parse`).
public struct QueueRate: Sendable, Equatable, CustomStringConvertible {
    public var count: Int
    /// Seconds.
    public var interval: Double

    public init(count: Int, interval: Double) {
        self.count = count
        self.interval = interval
    }

    /// What `init(parsing:)` takes, for error messages.
    public static let expected = "a rate such as \"10/1s\", \"100/1m\" or \"1/500ms\": at most N starts per interval (N from 1, the interval above 0)"

    /// Reads `"N/DURATION"`; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[0]), count >= 1, count <= 1_000_000_000,
              let interval = Seconds.parse(String(parts[1])), interval > 0
        else { return nil }
        self.init(count: count, interval: interval)
    }

    public var description: String {
        let whole = interval.rounded() == interval
        return "\(count)/\(whole ? String(Int(interval)) : String(interval))s"
    }
}

/// A queue's settings: what limits the starts of its tasks.
public struct QueueSettings: Sendable, Equatable {
    /// Most attempts of the queue running at once; nil: only the global limit.
    public var concurrency: Int?
    public var rate: QueueRate?
    /// A paused queue starts nothing; its running attempts finish.
    public var paused: Bool

    public init(concurrency: Int? = nil, rate: QueueRate? = nil, paused: Bool = false) {
        self.concurrency = concurrency.map { max(0, $0) }
        self.rate = rate
        self.paused = paused
    }

    /// True when the queue limits nothing: its tasks start as the global limit allows.
    public var isUnrestricted: Bool { concurrency == nil && rate == nil && !paused }
}

/// A known queue: its name and settings (`queue list`, the scheduler).
public struct QueueDefinition: Sendable, Equatable {
    public var name: String
    public var settings: QueueSettings

    public init(name: String, settings: QueueSettings = QueueSettings()) {
        self.name = name
        self.settings = settings
    }
}

/// How many tasks to claim from one queue.
public struct QueueRoom: Sendable, Equatable {
    public var queue: String
    public var limit: Int

    public init(queue: String, limit: Int) {
        self.queue = queue
        self.limit = limit
    }
}

/// Durable queue settings, kept by the daemon's store beside the tasks (a restart keeps a pause).
public protocol QueueStore: Sendable {
    /// Every known queue, `default` included, by name.
    func queues() async throws -> [QueueDefinition]
    /// Creates the queue or replaces its settings.
    func saveQueue(_ queue: QueueDefinition) async throws
    /// Tasks per queue and state (queues with no task are absent).
    func queueCounts() async throws -> [String: [TaskState: Int]]
}
