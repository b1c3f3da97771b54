import CoroqProtocol
import CoroqStore

/// One queue's line on the overview and the queues page. Today every task is in `default` under the
/// global limit; queues (issue 11) fill this list from `queue.list` after the merge — the one place to wire.
struct QueueSummary: Sendable, Equatable {
    var name: String
    var limit: Int?
    var running: Int
    var queued: Int
    var paused: Bool
}

/// `/`: counts per state and per queue, finished and failed per minute over the last hour, running tasks
/// with their progress.
enum OverviewPage {
    struct Data: Sendable {
        var counts: [String: Int]
        var queues: [QueueSummary]
        var minutes: [MinuteCounts.Minute]
        var running: [TaskInfo]
    }

    static func page(_ data: Data) -> String {
        Layout.page(title: "Overview", section: .overview, body: """
            <main id="overview" data-live="/live/overview">\(live(data))</main>
            """)
    }

    /// The part the live events replace.
    static func live(_ data: Data) -> String {
        let cards = TaskInfo.State.known.map { (state) -> String in
            let count = data.counts[state.rawValue] ?? 0
            return "<a class=\"card\" href=\"/tasks?state=\(state.rawValue)\" style=\"text-decoration:none;color:inherit\" data-state=\"\(state.rawValue)\"><div class=\"k\">\(state.rawValue)</div><div class=\"n\">\(count)</div></a>"
        }.joined()
        let queues = data.queues.map { (queue) -> String in
            "<tr data-queue=\"\(HTML.escape(queue.name))\"><td>\(HTML.escape(queue.name))</td><td>\(queue.running)</td><td>\(queue.queued)</td><td>\(queue.limit.map(String.init) ?? "–")</td><td>\(queue.paused ? "paused" : "active")</td></tr>"
        }.joined()
        let running = data.running.isEmpty
            ? "<tr><td colspan=\"5\" class=\"muted\">nothing is running</td></tr>"
            : data.running.map { (task) -> String in
                "<tr data-task=\"\(task.id)\"><td>\(Format.taskLink(task.id))</td><td>\(HTML.escape(task.job))</td><td class=\"args\">\(Format.json(task.args, limit: 120))</td><td>\(Format.time(task.startedAt))</td><td class=\"progress\">\(Format.progress(task.progress))</td></tr>"
            }.joined()
        return """
            <h1>Overview</h1>
            <div class="cards" id="counts">\(cards)</div>
            <h2>Queues</h2>
            <table id="queues"><tr><th>queue</th><th>running</th><th>queued</th><th>limit</th><th></th></tr>\(queues)</table>
            <h2>Finished per minute, last hour <span class="muted">(<span style="color:#12805c">■</span> finished, <span style="color:#c0362c">■</span> failed)</span></h2>
            \(chart(data.minutes))
            <h2>Running</h2>
            <table id="running"><tr><th>task</th><th>job</th><th>arguments</th><th>started (UTC)</th><th>progress</th></tr>\(running)</table>
            """
    }

    /// Bars per minute: all finished in green, the failed part in red on top of it.
    static func chart(_ minutes: [MinuteCounts.Minute]) -> String {
        let width = 600.0, height = 90.0
        let peak = max(1, minutes.map(\.finished).max() ?? 1)
        let step = width / Double(max(minutes.count, 1))
        var bars = ""
        for (index, minute) in minutes.enumerated() where minute.finished > 0 {
            let x = Double(index) * step
            let total = height * Double(minute.finished) / Double(peak)
            let failed = height * Double(minute.failed) / Double(peak)
            bars += "<rect x=\"\(x)\" y=\"\(height - total)\" width=\"\(step - 1)\" height=\"\(total)\" fill=\"#32d583\"><title>\(minute.finished) finished, \(minute.failed) failed</title></rect>"
            if minute.failed > 0 {
                bars += "<rect x=\"\(x)\" y=\"\(height - failed)\" width=\"\(step - 1)\" height=\"\(failed)\" fill=\"#f04438\"/>"
            }
        }
        let total = minutes.reduce(0) { $0 + $1.finished }, failed = minutes.reduce(0) { $0 + $1.failed }
        return """
            <svg class="chart" width="\(Int(width))" height="\(Int(height) + 16)" viewBox="0 0 \(Int(width)) \(Int(height) + 16)" role="img" aria-label="\(total) finished, \(failed) failed in the last hour">\(bars)<text x="4" y="\(Int(height) + 13)" font-size="11" fill="#667085">−60 min</text><text x="\(Int(width) - 30)" y="\(Int(height) + 13)" font-size="11" fill="#667085">now</text></svg>
            <div class="muted" id="hour-total">\(total) finished, \(failed) failed in the last hour (since the daemon started)</div>
            """
    }
}
