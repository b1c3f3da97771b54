import CoroqJSON
import CoroqProtocol

/// `/tasks/ID`: arguments, result or error, attempts as a timeline, steps, children as a tree, callbacks,
/// the actions, and the log followed live.
enum TaskPage {
    static func page(_ detail: TaskDetail, notice: String?) -> String {
        let task = detail.task
        let notice = notice.map { "<p class=\"notice\" id=\"notice\">\(HTML.escape($0))</p>" } ?? ""
        return Layout.page(title: "Task \(task.id)", section: .tasks, body: """
            <main>\(notice)
            <div id="task" data-live="/live/task/\(task.id)">\(live(detail))</div>
            <h2>Actions</h2>\(actions(task))
            <h2>Log</h2>
            <pre id="log" data-log="/live/log/\(task.id)"></pre>
            </main>
            """)
    }

    /// The part the live events replace: everything but the forms and the log.
    static func live(_ detail: TaskDetail) -> String {
        let task = detail.task
        var html = """
            <h1>Task #\(task.id) <span class="muted">\(HTML.escape(task.job))</span> \(Format.state(task.state))</h1>
            <table class="facts">
            <tr><th>created</th><td>\(Format.time(task.createdAt))</td><th>started</th><td>\(Format.time(task.startedAt))</td><th>finished</th><td>\(Format.time(task.finishedAt))</td></tr>
            <tr><th>attempts</th><td>\(task.attempts)</td><th>parent</th><td>\(task.parent.map(Format.taskLink) ?? "–")</td><th>progress</th><td id="progress">\(Format.progress(task.progress))</td></tr>
            </table>
            <h2>Arguments</h2><pre id="args">\(HTML.escape(task.args.jsonText))</pre>
            """
        if let error = task.error {
            html += "<h2>Error</h2><pre id=\"error\">\(HTML.escape(error.code)): \(HTML.escape(error.message))\(error.details.map { "\n" + HTML.escape($0.jsonText) } ?? "")</pre>"
        } else if let result = task.result {
            html += "<h2>Result</h2><pre id=\"result\">\(HTML.escape(result.jsonText))</pre>"
        }
        if let after = detail.after, !after.isEmpty {
            html += "<h2>Waiting for</h2><p>\(after.map(Format.taskLink).joined(separator: ", "))</p>"
        }
        if let schedule = detail.schedule {
            html += "<p class=\"muted\">submitted by schedule <b>\(HTML.escape(schedule.name))</b> for \(Format.time(schedule.slot))</p>"
        }
        html += "<h2>Attempts</h2>" + timeline(detail.attempts, now: task.finishedAt)
        if let steps = detail.steps, !steps.isEmpty {
            html += "<h2>Steps</h2><table><tr><th>step</th><th>kind</th><th>attempt</th><th>took</th><th>result</th></tr>" + steps.map { (step) -> String in
                "<tr><td>\(HTML.escape(step.name))</td><td>\(HTML.escape(step.kind))</td><td>\(step.attempt)</td><td>\(Format.duration(from: step.startedAt, to: step.finishedAt))</td><td class=\"args\">\(Format.json(step.result, limit: 120))</td></tr>"
            }.joined() + "</table>"
        }
        if let tree = detail.tree, !tree.isEmpty {
            html += "<h2>Children</h2>" + children(tree)
        }
        if !detail.callbacks.isEmpty {
            html += "<h2>On-done callbacks</h2><table><tr><th>started</th><th>took</th><th>outcome</th></tr>" + detail.callbacks.map { (run) -> String in
                "<tr><td>\(Format.time(run.startedAt))</td><td>\(Format.duration(from: run.startedAt, to: run.finishedAt))</td><td>\(run.succeeded ? "ok" : HTML.escape(run.detail ?? "failed"))</td></tr>"
            }.joined() + "</table>"
        } else if let onDone = task.onDone {
            html += "<h2>On-done callback</h2><pre>\(HTML.escape(onDone))</pre>"
        }
        return html
    }

    /// Each attempt as a bar on one time axis, from the first start to the last end.
    static func timeline(_ attempts: [AttemptInfo], now: Double?) -> String {
        guard let first = attempts.first?.startedAt else { return "<p class=\"muted\">not started yet</p>" }
        let last = attempts.compactMap { $0.finishedAt ?? now }.max() ?? first
        let span = max(last - first, 0.001)
        return "<div class=\"timeline\">" + attempts.map { (attempt) -> String in
            let end = attempt.finishedAt ?? now ?? last
            let left = (attempt.startedAt - first) / span * 100
            let width = max((end - attempt.startedAt) / span * 100, 0.5)
            let outcome = attempt.outcome ?? "running"
            let error = attempt.error.map { " — \(HTML.escape($0.code)): \(HTML.escape($0.message))" } ?? ""
            return "<div class=\"attempt\"><span style=\"width:5rem\">attempt \(attempt.number)</span><div style=\"flex:1;position:relative;height:.8rem\"><div class=\"span \(HTML.escape(outcome))\" style=\"position:absolute;left:\(left)%;width:\(width)%\"></div></div><span style=\"width:22rem\">\(HTML.escape(outcome)) \(Format.duration(from: attempt.startedAt, to: attempt.finishedAt))\(error)</span></div>"
        }.joined() + "</div>"
    }

    static func children(_ nodes: [TaskTreeNode]) -> String {
        "<ul class=\"tree\">" + nodes.map { (node) -> String in
            "<li>\(Format.taskLink(node.id)) \(HTML.escape(node.job)) \(Format.state(node.state))\(node.children.map(children) ?? "")</li>"
        }.joined() + "</ul>"
    }

    /// POST forms (never a GET): cancel, retry, send a value, resolve a future.
    static func actions(_ task: TaskInfo) -> String {
        var forms: [String] = []
        if !TaskInfo.State.final.contains(task.state) {
            forms.append("<form class=\"inline\" method=\"post\" action=\"/tasks/\(task.id)/cancel\"><button class=\"danger\" id=\"cancel\" type=\"submit\">Cancel</button></form>")
        }
        forms.append("<form class=\"inline\" method=\"post\" action=\"/tasks/\(task.id)/retry\"><button id=\"retry\" type=\"submit\">Retry</button></form>")
        forms.append("<form class=\"inline\" method=\"post\" action=\"/tasks/\(task.id)/send\"><input name=\"value\" placeholder='JSON value, e.g. {\"ok\":true}' size=\"28\"> <button type=\"submit\">Send value</button></form>")
        if task.state == .pending {
            forms.append("<form class=\"inline\" method=\"post\" action=\"/tasks/\(task.id)/resolve\"><input name=\"value\" placeholder=\"JSON value\" size=\"20\"> <input name=\"error\" placeholder=\"or an error message\" size=\"20\"> <button type=\"submit\">Resolve future</button></form>")
        }
        return "<div class=\"filters\">" + forms.joined(separator: " ") + "</div>"
    }
}
