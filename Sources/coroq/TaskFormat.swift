import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        if let parent = task.parent { lines.append("parent   \(parent)") }
        if let schedule = detail.schedule { lines.append("schedule \(schedule.name), slot \(timestamp(schedule.slot))") }
        if let after = detail.after, !after.isEmpty {
            lines.append("after    \(after.map(String.init).joined(separator: " "))  (still waiting for them)")
        }
        lines += guardLines(detail)
        if let progress = task.progress { lines.append("progress \(progress.summary)  (\(timestamp(progress.updatedAt)))") }
        lines += timingLines(task)
        lines.append("queue    \(task.queue ?? "default")")
        if let label = task.label { lines.append("label    \(label)") }
        lines.append("attempts")
        for attempt in detail.attempts {
            let took = attempt.finishedAt.map { " after \(seconds($0 - attempt.startedAt))" } ?? ""
            let error = attempt.error.map { "  \($0.message)" } ?? ""
            lines.append("  #\(attempt.number)  \(timestamp(attempt.startedAt))  start \(attempt.boot)  \(attempt.outcome ?? TaskInfo.State.running.rawValue)\(took)\(error)")
        }
        if let steps = detail.steps, !steps.isEmpty {
            lines.append("steps")
            lines.append(contentsOf: stepLines(steps))
        }
        if let tree = detail.tree, !tree.isEmpty {
            lines.append("children")
            lines.append(contentsOf: treeLines(tree, depth: 1))
        }
        if !detail.callbacks.isEmpty {
            lines.append("on-done runs")
            for run in detail.callbacks {
                lines.append("  \(timestamp(run.startedAt))  \(run.succeeded ? "ok" : "failed: \(run.detail ?? "")")")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A task's children, one per line, each indented under its parent: id, job, state, and why it did not
    /// succeed.
    static func treeLines(_ nodes: [TaskTreeNode], depth: Int) -> [String] {
        nodes.flatMap { node in
            let error = node.error.map { "  \($0.message)" } ?? ""
            let line = String(repeating: "  ", count: depth) + "\(node.id)  \(node.job)  \(Terminal.state(node.state))\(error)"
            return [line] + treeLines(node.children ?? [], depth: depth + 1)
        }
    }

    /// A task's completed steps, aligned: name, when it finished, how long it took, which attempt, and its
    /// exit status (a shell step) or result (a job's step).
    static func stepLines(_ steps: [StepInfo]) -> [String] {
        let rows = steps.map { step in
            let outcome = step.exitStatus.map { "exit \($0)" } ?? step.result.jsonText
            return ["  \(step.name)", timestamp(step.finishedAt), "took \(seconds(step.finishedAt - step.startedAt))",
                    "attempt \(step.attempt)", outcome.count > 48 ? String(outcome.prefix(47)) + "…" : outcome]
        }
        return align(rows).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// `2026-11-25T01:44:20.457Z`: UTC, rounded to the nearest millisecond, exactly as Foundation's
    /// `ISO8601DateFormatter` (`.withInternetDateTime, .withFractionalSeconds`) wrote it; that formatter is
    /// not in FoundationEssentials, and `Date.ISO8601FormatStyle` truncates the milliseconds instead.
    static func timestamp(_ seconds: Double) -> String {
        // The same arithmetic as CoreFoundation's formatter: from the reference date, then to rounded ms.
        let reference = seconds - 978_307_200.0
        let rounded = ((reference + 978_307_200.0) * 1000.0 + 0.5).rounded(.down)
        guard rounded.isFinite, abs(rounded) < 9e15 else { return "\(seconds)" }
        let milliseconds = Int64(rounded)
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        let ofDay = milliseconds - days * 86_400_000
        let civil = CivilDate.date(fromDays: Int(days))
        let (year, month, day) = (Int64(civil.year), Int64(civil.month), Int64(civil.day))
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(ofDay / 3_600_000, 2)):"
            + "\(pad(ofDay / 60_000 % 60, 2)):\(pad(ofDay / 1000 % 60, 2)).\(pad(ofDay % 1000, 3))Z"
    }

    /// `show`'s timing: when a scheduled task runs, its priority, its retry policy and which attempt of
    /// how many it is on.
    static func timingLines(_ task: TaskInfo) -> [String] {
        var lines: [String] = []
        if let runAt = task.runAt {
            lines.append(task.state == .scheduled ? "runs at  \(timestamp(runAt))\(task.attempts > 0 ? "  (retry after a failed attempt)" : "")"
                         : "run at   \(timestamp(runAt))")
        }
        if let priority = task.priority { lines.append("priority \(priority)") }
        if let retry = task.retry {
            let jitter = retry.jitter > 0 ? ", jitter \(retry.jitter)" : ""
            lines.append("retries  \(retry.retries), \(retry.backoff) back-off from \(seconds(retry.base)) up to \(seconds(retry.cap))\(jitter)")
            if task.attempts > 0 {
                lines.append("attempt  \(task.attempts) of \(max(task.attempts, retry.retries + 1))")
            }
        }
        return lines
    }

    static func countsLine(_ counts: [String: Int]) -> String {
        TaskInfo.State.known.map { "\($0) \(counts[$0.rawValue] ?? 0)" }.joined(separator: " · ")
    }

    /// `status`'s first line: which daemon, for how long, and the tasks per state.
    static func header(_ status: StatusResult, now: Date) -> String {
        let counts = countsLine(status.counts)
        guard let daemon = status.daemon else { return counts }
        return Terminal.paint("\(daemon.version), up \(ago(now.timeIntervalSince1970 - daemon.startedAt))", .bold) + "\n" + counts
    }

    static func table(_ tasks: [TaskInfo], now: Date) -> String {
        // A PARENT column only when a listed task has a parent: most lists have none.
        let parents = tasks.contains { $0.parent != nil }
        // A QUEUE column only when a listed task is in a queue other than `default` (sent only then).
        let queues = tasks.contains { $0.queue != nil }
        let header = ["ID", "JOB", "STATE", "ATTEMPTS", "TIME"] + (parents ? ["PARENT"] : []) + (queues ? ["QUEUE"] : []) + ["RESULT"]
        let rows = tasks.map { task in
            ["\(task.id)", task.job, Terminal.state(task.state), "\(task.attempts)", time(task, now: now)]
                + (parents ? [task.parent.map { "\($0)" } ?? "-"] : []) + (queues ? [task.queue ?? "default"] : [])
                + [resultSummary(task)]
        }
        return align([header.map { Terminal.paint($0, .bold) }] + rows)
    }

    /// "waiting 3s", "running 2m", "took 0.40s, 3m ago".
    static func time(_ task: TaskInfo, now: Date) -> String {
        let now = now.timeIntervalSince1970
        switch task.state {
        case .queued: return "waiting \(ago(now - task.createdAt))"
        case .blocked: return "blocked \(ago(now - task.createdAt))"
        case .pending: return "pending \(ago(now - task.createdAt))"
        case .scheduled: return "runs in \(ago(max(0, (task.runAt ?? now) - now)))"
        case .running: return "running \(ago(now - (task.startedAt ?? task.createdAt)))"
        case .interrupted: return "since \(ago(now - (task.startedAt ?? task.createdAt))) ago"
        case .succeeded, .failed, .cancelled, .unknown:
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
        } else if task.resultTruncated != nil, case .string(let excerpt)? = task.result {
            text = excerpt + "…"  // a summary's excerpt of the result's JSON text
        } else if let result = task.result {
            text = result.jsonText
        } else if task.state == .running, let progress = task.progress {
            text = progress.summary
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
        if value < 10 { return printf("%.2fs", value) }
        if value < 120 { return printf("%.0fs", value) }
        if value < 7200 { return printf("%.0fm", value / 60) }
        return printf("%.1fh", value / 3600)
    }

    /// C's formatting of one number, as `String(format:)` (not in FoundationEssentials) gave it.
    private static func printf(_ format: String, _ value: Double) -> String {
        withVaList([value]) { arguments in
            var buffer = [CChar](repeating: 0, count: 512)
            _ = vsnprintf(&buffer, buffer.count, format, arguments)
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
    }

    static func align(_ rows: [[String]]) -> String {
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
