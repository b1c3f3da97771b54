import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `coroq wait` on a terminal: one live line (done/total, failed, elapsed) that finished tasks scroll
/// above, and a summary at the end. When stdout is a pipe, nothing here prints: plain lines only.
struct WaitProgress {
    private var total: Int?
    private var done = 0
    private var counts: [TaskInfo.State: Int] = [:]
    private let start = ContinuousClock().now
    private var lastDrawn = ContinuousClock().now - .seconds(1)
    /// The latest progress report of an awaited task (pushed by the daemon), shown on the live line.
    private var latestReport: (id: Int64, progress: ProgressInfo)?

    mutating func accepted(_ count: Int) {
        total = count
        draw(force: true)
    }

    /// Records a finished task and prints its line above the progress line (every task when there are
    /// few, only the unsuccessful ones in a big wait).
    mutating func finished(_ task: TaskInfo) {
        if latestReport?.id == task.id { latestReport = nil }
        done += 1
        counts[task.state, default: 0] += 1
        if task.state != .succeeded || (total ?? 0) <= 20 {
            Terminal.clearProgress()
            Output.line(TaskFormat.finishedLine(task))
        }
        draw(force: done == total)
    }

    /// An awaited task reported progress.
    mutating func progressed(_ id: Int64, _ progress: ProgressInfo) {
        latestReport = (id, progress)
        draw(force: false)
    }

    /// - Parameter pending: how many are still pending (after --timeout or --any).
    func summary(pending: Int) {
        Terminal.clearProgress()
        let parts = TaskInfo.State.final.map { state in
            Terminal.paint("\(counts[state] ?? 0) \(state)", counts[state, default: 0] > 0 && state != .succeeded ? .red : .bold)
        }
        let pending = pending > 0 ? ", \(pending) still pending" : ""
        Output.line("\(parts.joined(separator: ", "))\(pending) in \(elapsed)")
    }

    private var elapsed: String {
        let duration = ContinuousClock().now - start
        return TaskFormat.seconds(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
    }

    /// Redraws at most 20 times a second.
    private mutating func draw(force: Bool) {
        let now = ContinuousClock().now
        guard force || now - lastDrawn > .milliseconds(50) else { return }
        lastDrawn = now
        let failed = (counts[.failed] ?? 0) + (counts[.cancelled] ?? 0)
        let failedText = failed > 0 ? Terminal.paint(" · \(failed) failed", .red) : ""
        let report = latestReport.map { " · task \($0.id): \($0.progress.summary)" } ?? ""
        Terminal.progress("waiting: \(done)/\(total.map(String.init) ?? "?") done\(failedText) · \(elapsed)\(report)")
    }
}
