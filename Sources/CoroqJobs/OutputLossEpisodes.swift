import CoroqCore
import Logging
import Synchronization

/// Output lost to the task logs' disk, told to the daemon's log once per episode, not once per task: a
/// warning when the first write fails (the disk filled up), one line when a write succeeds again with how
/// many tasks lost how much meanwhile. Each task's own loss is in its result (`output_lost_bytes`).
final class OutputLossEpisodes: Sendable {
    private struct Episode {
        var tasks: Set<TaskID> = []
        var bytes = 0
    }

    /// Nil between episodes.
    private let episode = Mutex<Episode?>(nil)
    /// A write that succeeds only looks at `episode` while one is going on.
    private let ongoing = Atomic<Bool>(false)

    init() {}

    /// `bytes` of `task`'s output could not be written, for `reason`.
    func lost(_ bytes: Int, of task: TaskID, reason: String, path: String, logger: Logger) {
        let began = episode.withLock { episode -> Bool in
            let began = episode == nil
            episode = episode ?? Episode()
            episode!.tasks.insert(task)
            episode!.bytes += bytes
            return began
        }
        guard began else { return }
        ongoing.store(true, ordering: .releasing)
        logger.warning("task output is being lost: the log directory's disk takes no more (each task's result counts its loss in output_lost_bytes)", metadata: [
            "reason": "\(reason)", "log": "\(path)",
        ])
    }

    /// A write went through whole: the episode, if one was going on, is over.
    func wrote(logger: Logger) {
        guard ongoing.load(ordering: .acquiring) else { return }
        guard let ended = episode.withLock({ episode -> Episode? in
            defer { episode = nil }
            return episode
        }) else { return }
        ongoing.store(false, ordering: .releasing)
        logger.warning("task output is written again", metadata: [
            "tasks_that_lost_output": "\(ended.tasks.count)", "bytes_lost": "\(ended.bytes)",
        ])
    }
}
