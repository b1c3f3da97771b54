import CoroqCore
import CoroqJSON
import Foundation
import Logging

/// A context for task `id` whose checkpoints live in an in-memory store.
func makeContext(
    _ id: Int64 = 1, attempt: Int = 1, firstStartedAt: Date = Date(), checkpoints: any CheckpointStore = InMemoryTaskStore()
) -> JobContext {
    JobContext(
        taskID: TaskID(id), attempt: attempt, firstStartedAt: firstStartedAt, logger: Logger(label: "test"),
        checkpoints: checkpoints)
}

func temporaryDirectory() -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("coroq-jobs-\(UUID().uuidString)").path
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
