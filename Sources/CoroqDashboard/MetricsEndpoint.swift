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
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
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
