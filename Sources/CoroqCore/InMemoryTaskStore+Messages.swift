import CoroqJSON
import Foundation

/// A value sent to a task, as the in-memory store keeps it.
struct SentValue: Sendable {
    let value: JSONValue
    /// The receive (its number within the task's run) that took it.
    var takenBy: Int?
}

extension InMemoryTaskStore: MessageStore, ProgressStore {
    public func send(_ task: TaskID, value: JSONValue, at now: Date) throws -> SendReceipt {
        guard let record = self.task(task) else { throw TaskStoreError.notFound(task) }
        if record.state.isFinal { return .taskFinished(record.state) }
        messagesByTask[task, default: []].append(SentValue(value: value))
        return .stored(sequence: Int64(messagesByTask[task]!.count))
    }

    public func takeMessage(_ task: TaskID, receive number: Int, at now: Date) -> JSONValue? {
        guard var sent = messagesByTask[task] else { return nil }
        if let taken = sent.first(where: { $0.takenBy == number }) { return taken.value }
        guard let next = sent.firstIndex(where: { $0.takenBy == nil }) else { return nil }
        sent[next].takenBy = number
        messagesByTask[task] = sent
        return sent[next].value
    }

    public func recordProgress(_ reports: [TaskID: TaskProgress]) {
        for (task, progress) in reports where self.task(task) != nil {
            progressByTask[task] = progress
        }
    }

    public func progress(of ids: [TaskID]) -> [TaskID: TaskProgress] {
        var found: [TaskID: TaskProgress] = [:]
        for id in ids { if let progress = progressByTask[id] { found[id] = progress } }
        return found
    }
}
