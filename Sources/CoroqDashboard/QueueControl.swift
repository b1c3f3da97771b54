import CoroqServer

/// The queue dimension in one place: the queues the pages list (`queue.list`'s, with their live counts), and
/// pausing or resuming one (`queue.pause` / `queue.resume`).
enum QueueControl {
    static func summaries(_ view: DaemonView, counts: [String: Int]) async -> [QueueSummary] {
        guard let queues = try? await view.queueSummaries() else {
            return [QueueSummary(name: "default", limit: view.concurrencyLimit, running: counts["running"] ?? 0,
                                 queued: counts["queued"] ?? 0, paused: false)]
        }
        return queues.map { queue in
            QueueSummary(name: queue.name, limit: queue.concurrency ?? view.concurrencyLimit,
                         running: queue.counts["running"] ?? 0, queued: queue.counts["queued"] ?? 0, paused: queue.paused)
        }
    }

    /// Pauses or resumes a queue; returns what to tell the person, or throws naming why not.
    static func setPaused(_ view: DaemonView, queue: String, paused: Bool) async throws(DashboardError) -> String {
        do {
            let info = try await view.setQueuePaused(queue, paused: paused)
            return "queue \(info.name) \(info.paused ? "paused: its queued tasks wait, running ones finish" : "resumed")"
        } catch {
            throw DashboardError(error.message)
        }
    }
}
