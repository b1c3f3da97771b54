import CoroqCore
import Synchronization

/// The known queues and their settings, as in force: read by every submit (is the queue known?), changed
/// by `queue.set|pause|resume` and a reload (`QueueHandler`), which also hand them to the scheduler.
final class QueueBoard: Sendable {
    private let queues: Mutex<[String: QueueDefinition]>

    init(_ definitions: [QueueDefinition] = []) {
        queues = Mutex(Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }))
    }

    /// Every known queue, `default` included, by name.
    var all: [QueueDefinition] {
        queues.withLock { queues in
            var all = Array(queues.values)
            if queues[QueueName.defaultQueue] == nil { all.append(QueueDefinition(name: QueueName.defaultQueue)) }
            return all.sorted { $0.name < $1.name }
        }
    }

    /// True for `default` and every configured or created queue.
    func knows(_ name: String) -> Bool {
        name == QueueName.defaultQueue || queues.withLock { $0[name] != nil }
    }

    func replace(with definitions: [QueueDefinition]) {
        queues.withLock { $0 = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last }) }
    }
}
