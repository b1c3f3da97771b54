import CoroqProtocol

/// `/schedules`: the queues (limits, paused or not, with pause/resume) and the schedules (timing, next
/// firing, paused or not).
enum SchedulesPage {
    struct Data: Sendable {
        var queues: [QueueSummary]
        var schedules: [ScheduleInfo]
    }

    static func page(_ data: Data) -> String {
        Layout.page(title: "Queues & schedules", section: .schedules, body: """
            <main id="schedules" data-live="/live/schedules">\(live(data))</main>
            """)
    }

    static func live(_ data: Data) -> String {
        let queues = data.queues.map { (queue) -> String in
            let action = queue.paused ? "resume" : "pause"
            return "<tr data-queue=\"\(HTML.escape(queue.name))\"><td>\(HTML.escape(queue.name))</td><td>\(queue.limit.map(String.init) ?? "–")</td><td>\(queue.running)</td><td>\(queue.queued)</td><td>\(queue.paused ? "paused" : "active")</td><td><form class=\"inline\" method=\"post\" action=\"/queues/\(HTML.query(queue.name))/\(action)\"><button type=\"submit\">\(action)</button></form></td></tr>"
        }.joined()
        let schedules = data.schedules.isEmpty
            ? "<tr><td colspan=\"6\" class=\"muted\">no schedules (coroq schedule add, or [schedules.NAME] in coroqd.toml)</td></tr>"
            : data.schedules.map { (schedule) -> String in
                "<tr><td>\(HTML.escape(schedule.name))</td><td>\(HTML.escape(schedule.timing))</td><td class=\"args\">\(Format.json(schedule.task, limit: 100))</td><td>\(schedule.paused ? "paused" : Format.time(schedule.next))</td><td>\(HTML.escape(schedule.origin))</td><td>\(HTML.escape(schedule.catchUp))</td></tr>"
            }.joined()
        return """
            <h1>Queues</h1>
            <table id="queues"><tr><th>queue</th><th>limit</th><th>running</th><th>queued</th><th></th><th></th></tr>\(queues)</table>
            <h1 style="margin-top:1.5rem">Schedules</h1>
            <table id="schedule-list"><tr><th>name</th><th>when</th><th>task</th><th>next firing (UTC)</th><th>from</th><th>catch-up</th></tr>\(schedules)</table>
            """
    }
}
