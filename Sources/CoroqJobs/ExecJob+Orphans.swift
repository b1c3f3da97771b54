import CoroqCore
import CoroqJSON
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// What `exec` leaves behind when the daemon dies: its child runs in its own session, so `kill -9` of the
/// daemon leaves the child's process group running. Each attempt records that group (`ProcessMark`); the
/// registry calls these hooks at start-up and before a person's retry.
extension ExecJob {
    /// At start-up, before anything runs: kills the process groups that `exec` attempts cut off by a crash
    /// left running (their daemon died, they did not), so a re-run never overlaps its own orphan. Only for
    /// tasks that will run again: a task that must not repeat keeps its process (`orphanedProcessGroup`).
    public func cleanUpAfterCrash(requeued tasks: [TaskRecord], checkpoints: any CheckpointStore, logger: Logger) async {
        for task in tasks where task.attempts > 0 {
            guard let mark = await Self.orphan(of: task, in: checkpoints) else { continue }
            kill(-mark.processGroup, SIGKILL)
            // SIGKILL is delivered asynchronously: wait (at most 5 s) until the leader is gone, so that
            // nothing of this task runs again while its orphan still does.
            for _ in 0..<500 where mark.isStillRunning {
                do { try await Task.sleep(for: .milliseconds(10)) } catch { break }
            }
            logger.notice("killed processes left running by the previous daemon", metadata: [
                "task": "\(task.id)", "process_group": "\(mark.processGroup)",
            ])
        }
    }

    /// The leader pid of a process group that the task's last attempt left running, if it still runs (an
    /// interrupted no-repeat task's process, which is let finish: a person decides once it has).
    public func orphanedProcessGroup(of task: TaskRecord, checkpoints: any CheckpointStore) async -> Int32? {
        guard task.attempts > 0 else { return nil }
        return await Self.orphan(of: task, in: checkpoints)?.processGroup
    }

    private static func orphan(of task: TaskRecord, in checkpoints: any CheckpointStore) async -> ProcessMark? {
        guard let stored = try? await checkpoints.checkpointValue(task.id, key: ProcessMark.key(attempt: task.attempts)),
              let mark = try? stored.decode(as: ProcessMark.self), mark.isStillRunning else { return nil }
        return mark
    }
}
