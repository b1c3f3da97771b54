import Foundation
import GRDB
import Testing

/// Delays, priorities, retries and `coroq retry` through the real `coroqd` and `coroq`, with real
/// `kill -9` restarts. Short real times (a second or two): the daemon's clock is the system's.
@Suite(.timeLimit(.minutes(3)))
struct DelaysRetriesTests {
    let directory = TestDirectory()

    func rows(_ sql: String) async throws -> [Row] {
        try await DatabaseQueue(path: directory.database).read { try Row.fetchAll($0, sql: sql) }
    }

    @Test func backOffWaitsFollowThePolicyAndSurviveAKillNine() async throws {
        var id = ""
        let crashed = try await withDaemon(directory) { daemon in
            let submitted = try await daemon.coroq(
                "submit", "--retries", "2", "--backoff", "exponential", "--backoff-base", "5s",
                "exec", "--", "sh", "-c", "exit 1")
            #expect(submitted.exitCode == 0, "\(submitted.stderr)")
            id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await daemon.log.line(containing: "attempt failed, retrying", "task=\(id)")
            daemon.kill9()  // during the 5 s back-off
        }
        #expect(crashed.status == .signaled(SIGKILL))
        let scheduled = try await rows("SELECT state, run_at FROM tasks WHERE id = \(id)")
        #expect(scheduled.first?["state"] == "scheduled", "the back-off is durable")
        try await withDaemon(directory) { daemon in
            let waited = try await daemon.coroq("wait", id)
            #expect(waited.exitCode == 2, "failed after its retries: \(waited.stdout) \(waited.stderr)")
        }
        let attempts = try await rows("SELECT number, started_at, finished_at, outcome FROM attempts WHERE task_id = \(id) ORDER BY number")
        #expect(attempts.map { $0["outcome"] as String? } == ["failed", "failed", "failed"])
        // Each wait is at least the policy's: 5 s, then 10 s (exponential), whatever the restart in between.
        for (previous, next, wait) in [(0, 1, 5.0), (1, 2, 10.0)] {
            let gap = (attempts[next]["started_at"] as Double) - (attempts[previous]["finished_at"] as Double)
            #expect(gap >= wait - 0.001, "attempt \(next + 1) started \(gap) s after the failure")
        }
    }

    @Test func showSaysWhenARetryRunsAndWhichAttemptOfHowMany() async throws {
        try await withDaemon(directory) { daemon in
            let submitted = try await daemon.coroq(
                "submit", "--retries", "3", "--backoff", "fixed", "--backoff-base", "1h", "--jitter", "0.1",
                "exec", "--", "sh", "-c", "exit 1")
            let id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await daemon.log.line(containing: "attempt failed, retrying", "task=\(id)")
            let shown = try await daemon.coroq("show", id).stdout
            #expect(shown.contains("task \(id)  exec  scheduled"), "\(shown)")
            #expect(shown.contains("runs at  ") && shown.contains("(retry after a failed attempt)"), "\(shown)")
            #expect(shown.contains("retries  3, fixed back-off from 60m up to 60m, jitter 0.1"), "\(shown)")
            #expect(shown.contains("attempt  1 of 4"), "\(shown)")
            #expect(shown.contains("error    exit_status: "), "the last attempt's error: \(shown)")
            let status = try await daemon.coroq("status").stdout
            #expect(status.contains("scheduled 1") && status.contains("runs in"), "\(status)")
            // `wait` does not return for a task that is backing off.
            let waited = try await daemon.coroq("wait", id, "--timeout", "0.2")
            #expect(waited.exitCode == 3, "still pending: \(waited.stdout) \(waited.stderr)")
            // A task waiting for its retry is cancelled like any scheduled task.
            #expect(try await daemon.coroq("cancel", id).exitCode == 0)
            #expect(try await daemon.coroq("show", id).stdout.contains("task \(id)  exec  cancelled"))
        }
    }

    @Test func priorityOrderUnderAConcurrencyLimitOfOne() async throws {
        // One batch: the sleep (priority 100) takes the one slot; the rest start by priority, ties oldest first.
        let lines = [
            #"{"job":"sleep","args":{"seconds":0.2},"priority":100}"#,
            #"{"job":"noop","args":{"tag":"p0"}}"#,
            #"{"job":"noop","args":{"tag":"p5a"},"priority":5}"#,
            #"{"job":"noop","args":{"tag":"p1"},"priority":1}"#,
            #"{"job":"noop","args":{"tag":"p5b"},"priority":5}"#,
            #"{"job":"noop","args":{"tag":"low"},"priority":-3}"#,
        ]
        try await withDaemon(directory, arguments: ["--concurrency", "1"]) { daemon in
            let submitted = try await daemon.coroq(["submit", "--batch"], stdin: lines.joined(separator: "\n"))
            #expect(submitted.exitCode == 0, "\(submitted.stderr)")
            let waited = try await daemon.coroq("wait", "--all")
            #expect(waited.exitCode == 0, "\(waited.stderr)")
        }
        let order = try await rows("SELECT job, arguments ->> '$.tag' AS tag FROM tasks ORDER BY started_at")
        #expect(order.map { ($0["tag"] as String?) ?? $0["job"] } == ["sleep", "p5a", "p5b", "p1", "p0", "low"])
    }

    @Test func aDelayedTaskRunsAtItsTimeNotBeforeAndSurvivesARestart() async throws {
        var id = ""
        var killedAt = 0.0
        try await withDaemon(directory) { daemon in
            let submitted = try await daemon.coroq("submit", "--in", "6s", "noop")
            #expect(submitted.exitCode == 0, "\(submitted.stderr)")
            id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            killedAt = Date().timeIntervalSince1970
            daemon.kill9()
        }
        let stored = try #require(try await rows("SELECT state, run_at FROM tasks WHERE id = \(id)").first)
        if killedAt < (stored["run_at"] as Double) {
            #expect(stored["state"] == "scheduled", "killed before its time: it had not run")
        }
        try await withDaemon(directory) { daemon in
            let waited = try await daemon.coroq("wait", id)
            #expect(waited.exitCode == 0, "\(waited.stderr)")
        }
        let task = try #require(try await rows("SELECT state, created_at, run_at, started_at FROM tasks WHERE id = \(id)").first)
        #expect(task["state"] == "succeeded")
        let (created, runAt, started) = (task["created_at"] as Double, task["run_at"] as Double, task["started_at"] as Double)
        #expect(abs(runAt - created - 6) < 0.5, "run_at is the submit's time plus 6 s")
        #expect(started >= runAt, "not before its time")
    }

    @Test func aScheduledTaskCanBeCancelledAndAFailedOneRetried() async throws {
        try await withDaemon(directory) { daemon in
            let delayed = try await daemon.coroq("submit", "--at", "2040-01-01 00:00", "noop")
            let delayedID = delayed.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let notYet = try await daemon.coroq("retry", delayedID)
            #expect(notYet.exitCode == 1 && notYet.stderr.contains("task is scheduled: it cannot be retried"), "\(notYet.stderr)")
            let cancelled = try await daemon.coroq("cancel", delayedID)
            #expect(cancelled.exitCode == 0, "\(cancelled.stderr)")
            #expect(try await daemon.coroq("show", delayedID).stdout.contains("cancelled"))

            let failing = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "exit 3")
            let failingID = failing.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await daemon.coroq("wait", failingID).exitCode == 2)
            let retried = try await daemon.coroq("retry", failingID)
            #expect(retried.exitCode == 0, "\(retried.stderr)")
            #expect(try await daemon.coroq("wait", failingID).exitCode == 2)
            let shown = try await daemon.coroq("show", failingID).stdout
            #expect(shown.contains("#1") && shown.contains("#2"), "a new attempt: \(shown)")

            let future = try await daemon.coroq("future", "create")
            let futureID = future.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await daemon.coroq("cancel", futureID)
            let refused = try await daemon.coroq("retry", futureID)
            #expect(refused.exitCode == 1 && refused.stderr.contains("is a future: it never runs, so it cannot be retried"), "\(refused.stderr)")
        }
    }

    @Test(arguments: [
        (["--in", "soon"], "Error: --in soon: expected a duration such as 500ms, 30s, 5m, 2h, 1d, 1h30m or a number of seconds"),
        (["--at", "25:00"], "Error: --at 25:00: expected HH:MM (today, local time), YYYY-MM-DD HH:MM[:SS] (local time) or ISO 8601 with an offset such as 2026-12-24T18:00:00+01:00 or 2026-12-24T17:00:00Z"),
        (["--at", "2026-02-30 10:00"], "Error: --at 2026-02-30 10:00: expected HH:MM"),
        (["--retries", "5000"], "Error: --retries 5000: expected a whole number from 0 to 1000"),
        (["--retries", "2", "--backoff", "linear"], "Error: --backoff linear: expected fixed or exponential"),
        (["--backoff", "fixed"], "Error: --backoff, --backoff-base, --backoff-cap and --jitter go with --retries N"),
        (["--retries", "1", "--jitter", "2"], "Error: --jitter 2: expected a fraction from 0 to 1, e.g. 0.5"),
        (["--in", "1s", "--at", "10:00"], "Error: give --in or --at, not both"),
    ])
    func badTimingIsRefusedWithTheExactExpectedForm(options: [String], message: String) async throws {
        // Refused by the CLI before it connects: no daemon needed, and nothing is submitted.
        let result = try await runCoroq(["submit"] + options + ["noop"], socket: directory.socket)
        #expect(result.exitCode == 64, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
