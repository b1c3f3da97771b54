import Foundation

/// What a task may be submitted with beyond its job, arguments and callback: a run time, a priority, a
/// retry policy, a queue and label, a timeout, an idempotency key, success/failure callbacks, a `--then`
/// input. A `TaskRecord` keeps them behind one shared reference (`TaskOptionsBox`), nil while all are
/// defaults, as for most tasks: a record is copied and destroyed several times per task (claim, held
/// attempt, outcome, notifications), and ten inline fields more cost W1 ~40 % more daemon CPU per task and
/// W2 ~110 MiB more at 100k (BENCHMARKS.md, issue 11's merge).
struct TaskOptions: Sendable, Equatable {
    var runAt: Date?
    var priority = 0
    var retryPolicy: RetryPolicy?
    var queue = QueueName.defaultQueue
    var label: String?
    var timeout: Double?
    var key: String?
    var onSuccess: String?
    var onFailure: String?
    var inputFrom: TaskID?
}

/// An immutable `TaskOptions` shared by the copies of a record; a change makes a new one.
final class TaskOptionsBox: Sendable, Equatable {
    let value: TaskOptions

    init(_ value: TaskOptions) {
        self.value = value
    }

    static func == (lhs: TaskOptionsBox, rhs: TaskOptionsBox) -> Bool {
        lhs === rhs || lhs.value == rhs.value
    }
}
