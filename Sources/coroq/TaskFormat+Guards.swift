import CoroqJSON
import CoroqProtocol

extension TaskFormat {
    /// `show`'s lines for a timeout, a key, the success and failure callbacks and a chain, both ways:
    /// "then     task 13" on the first task, "after    task 12 (then, on success)" on its follow-up.
    static func guardLines(_ detail: TaskDetail) -> [String] {
        let task = detail.task
        var lines: [String] = []
        if let timeout = task.timeout { lines.append("timeout  \(Seconds.describe(timeout)) per attempt") }
        if let key = task.key { lines.append("key      \(key)") }
        if let onSuccess = task.onSuccess { lines.append("on-success  \(onSuccess)") }
        if let onFailure = task.onFailure { lines.append("on-failure  \(onFailure)") }
        if let then = detail.then, !then.isEmpty {
            lines.append("then     " + then.map { "task \($0)" }.joined(separator: ", "))
        }
        if let follows = detail.follows {
            lines.append("after    task \(follows.task) (then, on \(follows.on))")
        }
        return lines
    }
}
