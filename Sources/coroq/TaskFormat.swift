import CoroqJSON
import CoroqProtocol
import Foundation

/// Text for people: tables, durations, one-line summaries.
enum TaskFormat {
    static func finishedLine(_ task: TaskInfo) -> String {
        var parts = ["\(task.id)", Terminal.state(task.state), task.job]
        if let duration = duration(task) { parts.append(seconds(duration)) }
        let summary = resultSummary(task)
        if !summary.isEmpty { parts.append(summary) }
        return parts.joined(separator: "  ")
    }

    /// `show`: the task, then its attempts and on-done runs, one per line.
    static func detail(_ detail: TaskDetail) -> String {
        let task = detail.task
        var lines = [
            "task \(task.id)  \(task.job)  \(task.state)" + (task.repeatable == false ? "  (no-repeat)" : ""),
            "args     \(task.args.jsonText)",
            "created  \(timestamp(task.createdAt))",
        ]
        if let result = task.result { lines.append("result   \(result.jsonText)") }
        if let error = task.error { lines.append("error    \(error.code): \(error.message)") }
        if let onDone = task.onDone { lines.append("on-done  \(onDone)") }
        lines.append("attempts")
        for attempt in detail.attempts {
            let took = attempt.finishedAt.map { " after \(seconds($0 - attempt.startedAt))" } ?? ""
            let error = attempt.error.map { "  \($0.message)" } ?? ""
            lines.append("  #\(attempt.number)  \(timestamp(attempt.startedAt))  start \(attempt.boot)  \(attempt.outcome ?? "running")\(took)\(error)")
        }
        if !detail.callbacks.isEmpty {
            lines.append("on-done runs")
            for run in detail.callbacks {
                lines.append("  \(timestamp(run.startedAt))  \(run.succeeded ? "ok" : "failed: \(run.detail ?? "")")")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: seconds))
    }

    static func countsLine(_ counts: [String: Int]) -> String {
        ["queued", "running", "interrupted", "succeeded", "failed", "cancelled"]
            .map { "\($0) \(counts[$0] ?? 0)" }.joined(separator: " · ")
    }

    /// `status`'s first line: which daemon, for how long, and the tasks per state.
    static func header(_ status: StatusResult, now: Date) -> String {
        let counts = countsLine(status.counts)
        guard let daemon = status.daemon else { return counts }
        return Terminal.paint("\(daemon.version), up \(ago(now.timeIntervalSince1970 - daemon.startedAt))", .bold) + "\n" + counts
    }

    static func table(_ tasks: [TaskInfo], now: Date) -> String {
        let header = ["ID", "JOB", "STATE", "ATTEMPTS", "TIME", "RESULT"].map { Terminal.paint($0, .bold) }
        let rows = tasks.map { task in
            ["\(task.id)", task.job, Terminal.state(task.state), "\(task.attempts)", time(task, now: now), resultSummary(task)]
        }
        return align([header] + rows)
    }

    /// "waiting 3s", "running 2m", "took 0.40s, 3m ago".
    static func time(_ task: TaskInfo, now: Date) -> String {
        let now = now.timeIntervalSince1970
        switch task.state {
        case "queued": return "waiting \(ago(now - task.createdAt))"
        case "running": return "running \(ago(now - (task.startedAt ?? task.createdAt)))"
        case "interrupted": return "since \(ago(now - (task.startedAt ?? task.createdAt))) ago"
        default:
            let finished = task.finishedAt.map { ", \(ago(now - $0)) ago" } ?? ""
            return (duration(task).map { "took \(seconds($0))" } ?? "never ran") + finished
        }
    }

    /// A rough span for people: "4s", "3m", "2h", "5d".
    static func ago(_ value: Double) -> String {
        let value = max(0, value)
        if value < 60 { return "\(Int(value))s" }
        if value < 3600 { return "\(Int(value / 60))m" }
        if value < 86400 { return "\(Int(value / 3600))h" }
        return "\(Int(value / 86400))d"
    }

    static func resultSummary(_ task: TaskInfo, width: Int = 48) -> String {
        let text: String
        if let error = task.error {
            text = error.message
        } else if let result = task.result {
            text = result.jsonText
        } else {
            text = ""
        }
        return text.count > width ? String(text.prefix(width - 1)) + "…" : text
    }

    private static func duration(_ task: TaskInfo) -> Double? {
        guard let started = task.startedAt, let finished = task.finishedAt else { return nil }
        return finished - started
    }

    static func seconds(_ value: Double) -> String {
        let value = max(0, value)
        if value < 10 { return String(format: "%.2fs", value) }
        if value < 120 { return String(format: "%.0fs", value) }
        if value < 7200 { return String(format: "%.0fm", value / 60) }
        return String(format: "%.1fh", value / 3600)
    }

    private static func align(_ rows: [[String]]) -> String {
        let widths = rows.reduce(into: [Int](repeating: 0, count: rows[0].count)) { widths, row in
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], Terminal.visibleCount(cell)) }
        }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - Terminal.visibleCount(cell))
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
