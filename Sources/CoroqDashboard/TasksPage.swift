import CoroqCore
import CoroqProtocol
import CoroqStore

/// `/tasks`: newest first, filtered by state, job, queue and label, 50 a page by keyset (`TaskPageQuery`). The
/// first page follows live events; older pages stay as read.
enum TasksPage {
    struct Data: Sendable {
        var query: TaskPageQuery
        var tasks: [TaskInfo]
        /// Where a bounded filtered page stopped looking (`TaskPageQuery.floor`).
        var floor: Int64?
    }

    /// The query a request's parameters describe, or a message naming the bad parameter.
    static func query(from parameters: [String: String]) throws(DashboardError) -> TaskPageQuery {
        var query = TaskPageQuery()
        if let state = parameters["state"], !state.isEmpty {
            guard let known = TaskState(rawValue: state) else {
                throw DashboardError("state: expected one of \(TaskState.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(state)\"")
            }
            query.state = known
        }
        if let job = parameters["job"], !job.isEmpty { query.job = job }
        if let queue = parameters["queue"], !queue.isEmpty { query.queue = queue }
        if let label = parameters["label"], !label.isEmpty { query.label = label }
        if let before = parameters["before"], !before.isEmpty {
            guard let id = Int64(before), id > 0 else { throw DashboardError("before: expected a task id, got \"\(before)\"") }
            query.before = id
        }
        return query
    }

    /// The filters as a query string (without `before`).
    static func filterQuery(_ query: TaskPageQuery) -> String {
        var parts: [String] = []
        if let state = query.state { parts.append("state=\(state.rawValue)") }
        if let job = query.job { parts.append("job=\(HTML.query(job))") }
        if let queue = query.queue { parts.append("queue=\(HTML.query(queue))") }
        if let label = query.label { parts.append("label=\(HTML.query(label))") }
        return parts.joined(separator: "&")
    }

    static func page(_ data: Data, queues: [String]) -> String {
        let query = data.query
        let states = ([""] + TaskState.allCases.map(\.rawValue)).map { (state) -> String in
            "<option value=\"\(state)\"\(query.state?.rawValue == state || (query.state == nil && state.isEmpty) ? " selected" : "")>\(state.isEmpty ? "any state" : state)</option>"
        }.joined()
        let queueOptions = ([""] + queues).map { (queue) -> String in
            "<option value=\"\(HTML.escape(queue))\"\((query.queue ?? "") == queue ? " selected" : "")>\(queue.isEmpty ? "any queue" : HTML.escape(queue))</option>"
        }.joined()
        let filters = filterQuery(query)
        let live = query.before == nil ? " data-live=\"/live/tasks\(filters.isEmpty ? "" : "?" + filters)\"" : ""
        return Layout.page(title: "Tasks", section: .tasks, body: """
            <main><h1>Tasks</h1>
            <form class="filters" method="get" action="/tasks">
            <select name="state">\(states)</select>
            <input name="job" placeholder="job" value="\(HTML.escape(query.job ?? ""))">
            <select name="queue">\(queueOptions)</select>
            <input name="label" placeholder="label" value="\(HTML.escape(query.label ?? ""))">
            <button type="submit">Filter</button> <a href="/tasks">clear</a></form>
            <div id="task-list"\(live)>\(list(data))</div></main>
            """)
    }

    static func list(_ data: Data) -> String {
        let rows = data.tasks.isEmpty
            ? "<tr><td colspan=\"7\" class=\"muted\">no tasks here</td></tr>"
            : data.tasks.map { (task) -> String in
                let result = task.error.map { "<span class=\"muted\">\(HTML.escape($0.code))</span>" } ?? Format.json(task.result, limit: 60)
                return "<tr data-task=\"\(task.id)\" data-state=\"\(HTML.escape(task.state.rawValue))\"><td>\(Format.taskLink(task.id))</td><td>\(HTML.escape(task.job))</td><td class=\"args\">\(Format.json(task.args, limit: 140))</td><td>\(Format.state(task.state))</td><td>\(Format.time(task.createdAt))</td><td>\(task.state == .running ? Format.progress(task.progress) : result)</td><td>\(task.attempts)</td></tr>"
            }.joined()
        let filters = filterQuery(data.query)
        var next = ""
        if data.tasks.count == data.query.limit, let last = data.tasks.last {
            next = "<a id=\"older\" href=\"/tasks?\(filters.isEmpty ? "" : filters + "&")before=\(last.id)\">older →</a>"
        } else if let floor = data.floor {
            next = "<span class=\"muted\">looked through ids down to \(floor);</span> <a id=\"older\" href=\"/tasks?\(filters.isEmpty ? "" : filters + "&")before=\(floor)\">look further →</a>"
        }
        let newest = data.query.before == nil ? "" : "<a href=\"/tasks\(filters.isEmpty ? "" : "?" + filters)\">← newest</a> "
        return """
            <table><tr><th>task</th><th>job</th><th>arguments</th><th>state</th><th>created (UTC)</th><th>result / progress</th><th>attempts</th></tr>\(rows)</table>
            <p>\(newest)\(next)</p>
            """
    }
}
