import CoroqJSON

/// `queue.set`: creates the queue, or changes its limits. A member left out keeps its value; `"none"`
/// removes the limit.
public struct QueueSetParams: Codable, Sendable {
    public var name: String
    /// Most tasks of the queue running at once (from 1), or `"none"`.
    public var concurrency: QueueLimit?
    /// At most N starts per interval, `"10/1s"`, or `"none"`.
    public var rate: String?

    public init(name: String, concurrency: QueueLimit? = nil, rate: String? = nil) {
        self.name = name
        self.concurrency = concurrency
        self.rate = rate
    }
}

/// A concurrency limit on the wire: a number, or `"none"` for no limit of the queue's own.
public enum QueueLimit: Codable, Sendable, Equatable {
    case limit(Int)
    case none

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .limit(number)
        } else if let word = try? container.decode(String.self), word == "none" {
            self = .none
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number from 1, or \"none\"")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .limit(let number): try container.encode(number)
        case .none: try container.encode("none")
        }
    }
}

/// `queue.pause`, `queue.resume`: one queue by name.
public struct QueueNameParams: Codable, Sendable {
    public var name: String
    public init(name: String) { self.name = name }
}

/// A queue as `queue.list` and `queue.set|pause|resume` answer it.
public struct QueueInfo: Codable, Sendable, Equatable {
    public var name: String
    /// Most of its tasks running at once; absent: only the global limit.
    public var concurrency: Int?
    /// `N/INTERVAL`, e.g. `10/1s`; absent: no rate limit.
    public var rate: String?
    public var paused: Bool
    /// Its tasks per state (`queued`, `running`, `succeeded`…), states with none left out.
    public var counts: [String: Int]

    public init(name: String, concurrency: Int?, rate: String?, paused: Bool, counts: [String: Int]) {
        self.name = name
        self.concurrency = concurrency
        self.rate = rate
        self.paused = paused
        self.counts = counts
    }
}

/// `queue.list`: every known queue, by name.
public struct QueueListResult: Codable, Sendable {
    public var queues: [QueueInfo]
    public init(queues: [QueueInfo]) { self.queues = queues }
}

/// `queue.list` takes no parameters.
public struct QueueListParams: Codable, Sendable {
    public init() {}
}
