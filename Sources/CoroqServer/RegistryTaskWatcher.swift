import CoroqCore

/// `TaskWatching` for jobs in this daemon: registers with the waiter registry (the same done-callbacks
/// a `coroq wait` uses), then reads the task, so that no completion falls between the two.
struct RegistryTaskWatcher: TaskWatching {
    let store: any TaskStore
    let waiters: WaiterRegistry

    func finished(_ id: TaskID) async throws -> TaskRecord {
        let (token, inbox) = waiters.register([id])
        defer { waiters.unregister(token) }
        guard let record = try await store.task(id) else { throw TaskError.unknownTask(id) }
        if record.state.isFinal { return record }
        while let batch = await inbox.take() {
            if let finished = batch.first(where: { $0.id == id }) { return finished }
        }
        try Task.checkCancellation()
        throw TaskError(code: "shutting_down", message: "coroqd is stopping: task \(id) was not finished yet")
    }
}
