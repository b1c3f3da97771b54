import CoroqServer
import Hummingbird
import Metrics
import NIOCore
import Prometheus

/// `/metrics` in Prometheus's text format: what swift-metrics recorded across the daemon (tasks submitted
/// and finished by job and outcome, attempt durations, commit batch sizes and durations, open connections,
/// callback failures), plus the tasks by state and queue, read at scrape time from the table of counts
/// (so keeping them costs the daemon nothing between scrapes).
struct MetricsEndpoint: Sendable {
    let view: DaemonView
    let registry: PrometheusCollectorRegistry

    func response() async -> Response {
        if let counts = try? await view.counts() {
            let queues = await QueueControl.summaries(view, counts: counts)
            for (state, count) in counts.sorted(by: { $0.key < $1.key }) {
                registry.makeGauge(descriptor: Self.named("coroq_tasks", "Tasks in each state."), labels: [("state", state)]).set(Double(count))
            }
            for queue in queues {
                registry.makeGauge(descriptor: Self.named("coroq_queue_running", "Running tasks by queue."), labels: [("queue", queue.name)]).set(Double(queue.running))
                registry.makeGauge(descriptor: Self.named("coroq_queue_queued", "Queued tasks by queue."), labels: [("queue", queue.name)]).set(Double(queue.queued))
            }
        }
        registry.makeGauge(descriptor: Self.named("coroq_dashboard_live_pages", "Open live dashboard pages (server-sent event streams).")).set(Double(view.changes.count))
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.withHelp(registry.emitToString()))))
    }

    /// What each metric recorded through swift-metrics means (swift-metrics carries no help text, and
    /// Prometheus's linter, `promtool check metrics`, wants one per metric).
    static let help: [String: String] = [
        "coroq_tasks_submitted_total": "Tasks accepted, by job.",
        "coroq_tasks_finished_total": "Tasks that reached a final state, by job and outcome (succeeded, failed, cancelled).",
        "coroq_attempt_duration_seconds": "How long finished tasks' last attempts ran.",
        "coroq_commit_batch_writes": "Writes per group-commit transaction.",
        "coroq_commit_batch_duration_seconds": "How long each group-commit transaction took, commit included.",
        "coroq_open_connections": "Open control-socket connections.",
        "coroq_callback_failures_total": "On-done commands that failed or could not start.",
    ]

    /// `text` with a `# HELP` line before each `# TYPE` line of a metric that has none.
    static func withHelp(_ text: String) -> String {
        var lines: [Substring] = []
        var previous: Substring = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst(7).split(separator: " ").first,
               !previous.hasPrefix("# HELP \(name) "), let help = help[String(name)] {
                lines.append("# HELP \(name) \(help)")
            }
            lines.append(line)
            previous = line
        }
        return lines.joined(separator: "\n")
    }
}

extension MetricsEndpoint {
    static func named(_ name: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    /// The factory the daemon's swift-metrics go to; bootstrapped once per process, before the daemon's
    /// parts are made (they make their counters and timers as they start).
    static func factory(_ registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "coroq_attempt_duration_seconds": [
                .milliseconds(1), .milliseconds(10), .milliseconds(100), .seconds(1), .seconds(10), .seconds(60),
                .seconds(600), .seconds(3600),
            ],
            "coroq_commit_batch_duration_seconds": [
                .microseconds(100), .milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .seconds(1),
            ],
        ]
        factory.valueHistogramBuckets = ["coroq_commit_batch_writes": [1, 2, 5, 10, 50, 100, 500, 1000, 5000]]
        return factory
    }
}
