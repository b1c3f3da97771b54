import CoroqServer

/// The queue dimension in one place: the queues the pages list, and pausing or resuming one. Until queues
/// exist (issue 11), every task is in `default` under the global limit, which cannot be paused; the merge
/// with queues fills these two functions from `queue.list` / `queue.pause` / `queue.resume`.
enum QueueControl {
    static func summaries(_ view: DaemonView, counts: [String: Int]) async -> [QueueSummary] {
        [QueueSummary(name: "default", limit: view.concurrencyLimit, running: counts["running"] ?? 0,
                      queued: counts["queued"] ?? 0, paused: false)]
    }

    /// Pauses or resumes a queue; returns what to tell the person, or throws naming why not.
    static func setPaused(_ view: DaemonView, queue: String, paused: Bool) async throws(DashboardError) -> String {
        throw DashboardError("queue '\(queue)' cannot be \(paused ? "paused" : "resumed"): this coroqd has no queues to pause yet, only the global limit (coroqd --concurrency)")
    }
}
