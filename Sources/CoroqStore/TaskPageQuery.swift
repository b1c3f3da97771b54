import CoroqCore

/// One page of the dashboard's task list, newest first, by keyset: `WHERE id < before ORDER BY id DESC
/// LIMIT n`, which walks the primary key from `before` down and never counts or skips rows (fast at any
/// depth, at a million tasks as at ten).
///
/// With a filter, the rows are read through the key too (states other than queued and running have no
/// index, on purpose: every transition would pay for one). So that a page with a rare filter stays fast,
/// such a page looks at most `window` ids below `before`; when it finds fewer than `limit`, `floor` tells
/// the page where it stopped, and the next page goes on from there.
public struct TaskPageQuery: Sendable, Equatable {
    /// Only tasks with a smaller id (nil: from the newest).
    public var before: Int64?
    public var state: TaskState?
    public var job: String?
    public var queue: String?
    public var label: String?
    public var limit: Int
    /// How many ids a filtered page looks through at most.
    public var window: Int64

    public init(before: Int64? = nil, state: TaskState? = nil, job: String? = nil, queue: String? = nil,
                label: String? = nil, limit: Int = 50, window: Int64 = 200_000) {
        self.label = label
        self.before = before
        self.state = state
        self.job = job
        self.queue = queue
        self.limit = limit
        self.window = window
    }

    public var isFiltered: Bool { state != nil || job != nil || queue != nil || label != nil }

    /// The lowest id a filtered page looks at, given the newest id in the table; nil when unbounded.
    public func floor(newest: Int64) -> Int64? {
        guard isFiltered else { return nil }
        let top = before.map { $0 - 1 } ?? newest
        return max(1, top - window + 1)
    }

    /// The SQL and its arguments, in order.
    public func sql(newest: Int64) -> (text: String, arguments: [any Sendable]) {
        var conditions: [String] = []
        var arguments: [any Sendable] = []
        if let before {
            conditions.append("id < ?")
            arguments.append(before)
        }
        if let floor = floor(newest: newest) {
            conditions.append("id >= ?")
            arguments.append(floor)
        }
        if let state {
            conditions.append("state = ?")
            arguments.append(state.rawValue)
        }
        if let job {
            conditions.append("job = ?")
            arguments.append(job)
        }
        if let queue {
            conditions.append("queue = ?")
            arguments.append(queue)
        }
        if let label {
            conditions.append("label = ?")
            arguments.append(label)
        }
        let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        arguments.append(limit)
        return ("SELECT id FROM tasks\(filter) ORDER BY id DESC LIMIT ?", arguments)
    }
}
