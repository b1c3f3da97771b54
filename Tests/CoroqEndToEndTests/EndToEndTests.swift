import Foundation
import GRDB
import Subprocess
import SystemPackage
import Testing

/// The real `coroqd` and `coroq` binaries on a temporary socket and database.
@Suite(.timeLimit(.minutes(1)))
struct EndToEndTests {
    let directory = TestDirectory()

    /// The brief's seed: two sleeps overlap, so waiting for both takes the longer one, not the sum.
    /// Both are submitted in one request and timed on the daemon's own clock (first start to last finish),
    /// so CLI start-up on a busy machine does not count. (`scripts/bench.py` times the two-command form.)
    @Test func sleepsRunAtTheSameTime() async throws {
        let exit = try await withDaemon(directory) { daemon in
            let submitted = try await daemon.coroq(["submit", "--batch"], stdin: """
                {"job":"sleep","args":{"seconds":0.4}}
                {"job":"sleep","args":{"seconds":0.6}}
                """)
            #expect(submitted.stdout == "1\n2\n")
            let wait = try await daemon.coroq("wait", "1", "2")
            #expect(wait.exitCode == 0)
            #expect(wait.lines.count == 2 && wait.lines.allSatisfy { $0.contains("succeeded") })
            let status = try await daemon.coroq("status", "--json")
            let tasks = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["tasks"] as? [[String: Any]])
            let byID = Dictionary(uniqueKeysWithValues: tasks.map { ($0["id"] as! Int, $0) })
            let firstStarted = try #require(byID[1]?["started_at"] as? Double)
            let firstFinished = try #require(byID[1]?["finished_at"] as? Double)
            let secondStarted = try #require(byID[2]?["started_at"] as? Double)
            let secondFinished = try #require(byID[2]?["finished_at"] as? Double)
            #expect(secondStarted < firstFinished, "the second sleep must start while the first one sleeps")
            let span = max(firstFinished, secondFinished) - firstStarted
            #expect(span >= 0.6)
            #expect(span < 1.0, "one after the other would take 1.0 s; took \(span) s")
        }
        #expect(exit.status == .exited(0))
    }

    @Test func execSuccessAndFailureCarryTheExitStatus() async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("submit", "exec", "--", "sh", "-c", "echo hello; exit 3").stdout == "1\n")
            #expect(try await daemon.coroq("submit", "exec", "--", "sh", "-c", "echo fine").stdout == "2\n")
            let failed = try await daemon.coroq("wait", "1")
            #expect(failed.exitCode == 2)
            #expect(failed.stdout.contains("failed") && failed.stdout.contains("exited with status 3"))
            #expect(try await daemon.coroq("wait", "2").exitCode == 0)

            let failure = try await daemon.coroq("result", "1")
            #expect(failure.exitCode == 2)
            let error = try JSONSerialization.jsonObject(with: Data(failure.stdout.utf8)) as? [String: Any]
            let details = error?["details"] as? [String: Any]
            #expect(error?["code"] as? String == "exit_status")
            #expect(details?["exit_status"] as? Int == 3)
            #expect(details?["stdout"] as? String == "hello\n")

            let success = try await daemon.coroq("result", "2")
            #expect(success.exitCode == 0)
            let result = try JSONSerialization.jsonObject(with: Data(success.stdout.utf8)) as? [String: Any]
            #expect(result?["exit_status"] as? Int == 0 && result?["stdout"] as? String == "fine\n")
        }
    }

    /// The on-done command signals through a FIFO; reading it (with `cat`) is the event the test awaits.
    @Test func quietWaitPrintsOnlyWhatDidNotSucceed() async throws {
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq(["submit", "--batch"], stdin: """
                {"job":"noop"}
                {"job":"exec","args":{"argv":["sh","-c","exit 4"]}}
                {"job":"noop"}
                """)
            let quiet = try await daemon.coroq("wait", "1", "2", "3", "--quiet")
            #expect(quiet.exitCode == 2)
            #expect(quiet.lines.count == 1 && quiet.lines[0].contains("failed"))
            let all = try await daemon.coroq("wait", "1", "2", "3", "-q")
            #expect(all.lines.count == 1)
            #expect(try await daemon.coroq("wait", "1", "3", "--quiet").stdout == "")
        }
    }

    @Test func onDoneRunsWithTheTasksEnvironment() async throws {
        let fifo = directory.file("done.fifo")
        let output = directory.file("on-done.txt")
        #expect(mkfifo(fifo, 0o600) == 0)
        try await withDaemon(directory) { daemon in
            let command = #"printf '%s %s %s' "$COROQ_TASK_ID" "$COROQ_TASK_STATE" "$COROQ_TASK_RESULT" > "# + output + "; echo fired > " + fifo
            #expect(try await daemon.coroq("submit", "noop", "--args", #"{"x":1}"#, "--on-done", command).stdout == "1\n")
            let signal = try await Subprocess.run(.path("/bin/cat"), arguments: [fifo], output: .string(limit: 64))
            #expect(signal.standardOutput == "fired\n")
            #expect(try String(contentsOfFile: output, encoding: .utf8) == #"1 succeeded {"x":1}"#)
        }
    }

    @Test func waitingForAnUnknownTaskIsAnError() async throws {
        try await withDaemon(directory) { daemon in
            let wait = try await daemon.coroq("wait", "999")
            #expect(wait.exitCode == 1)
            #expect(wait.stderr == "coroq: no task with id 999 (`coroq status` lists the tasks)\n")
            let submit = try await daemon.coroq("submit", "no-such-job")
            #expect(submit.exitCode == 1)
            #expect(submit.stderr.contains("unknown job 'no-such-job'"))
        }
    }

    @Test func waitTimesOutWithTheTaskStillPending() async throws {
        try await withDaemon(directory, arguments: ["--shutdown-grace", "0"]) { daemon in
            _ = try await daemon.coroq("submit", "sleep", "30")
            let wait = try await daemon.coroq("wait", "--all", "--timeout", "0.2", "--json")
            #expect(wait.exitCode == 3)
            #expect(wait.lines.last == #"{"done":[],"pending":[1],"timed_out":true}"#)
        }
    }

    @Test func theCLIWithoutADaemonSaysSoInOneLine() async throws {
        let result = try await runCoroq(["status"], socket: directory.socket)
        #expect(result.exitCode == 69)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.contains("coroqd is not running on \(directory.socket)"))
    }

    @Test func aSecondDaemonDoesNotStealTheSocket() async throws {
        try await withDaemon(directory) { daemon in
            let second = try await Subprocess.run(
                .path(Binaries.coroqd),
                arguments: ["--socket", directory.socket, "--db", directory.file("other.db")],
                output: .discarded, error: .string(limit: 4096))
            #expect(second.terminationStatus == .exited(1))
            #expect(second.standardError.contains("another coroqd is already serving"))
            #expect(try await daemon.coroq("status").exitCode == 0)
        }
    }

    /// A crash with a task in flight and tasks queued behind it: after the restart every task finishes,
    /// the interrupted one on its second attempt. The task in flight waits on a FIFO that the test opens
    /// only after the restart, so the kill always lands while it runs (a `sleep 3` did not, when the
    /// three submits behind it took longer than 3 s on a loaded machine).
    @Test func afterAKillEveryTaskFinishes() async throws {
        let gate = directory.file("gate.fifo")
        #expect(mkfifo(gate, 0o600) == 0)
        let crashed = try await withDaemon(directory, arguments: ["--concurrency", "1"]) { daemon in
            #expect(try await daemon.coroq("submit", "exec", "--", "sh", "-c", "read line < \(gate)").stdout == "1\n")
            for _ in 0..<3 { _ = try await daemon.coroq("submit", "noop") }
            _ = try await daemon.log.line(containing: "task=1", "spawned")
            daemon.kill9()
        }
        #expect(crashed.status == .signaled(SIGKILL), "its log ends: \(crashed.log.suffix(2500))")
        try await withDaemon(directory) { daemon in
            _ = try await daemon.log.line(containing: "back in the queue", "tasks=1")
            // The second attempt reads the gate; the first one's process was ended at start-up.
            _ = try await Subprocess.run(.path("/bin/sh"), arguments: ["-c", "echo go > \(gate)"], output: .discarded)
            let wait = try await daemon.coroq("wait", "--all")
            #expect(wait.exitCode == 0)
            let status = try await daemon.coroq("status", "--json")
            let tasks = try #require((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["tasks"] as? [[String: Any]])
            #expect(tasks.count == 4)
            #expect(tasks.allSatisfy { $0["state"] as? String == "succeeded" })
            #expect(tasks.first { $0["id"] as? Int == 1 }?["attempts"] as? Int == 2)
        }
    }

    /// SIGTERM lets a short task finish inside the grace period and puts a long one back in the queue.
    @Test func sigtermDrainsThenRequeues() async throws {
        let exit = try await withDaemon(directory, arguments: ["--shutdown-grace", "0.5"]) { daemon in
            _ = try await daemon.coroq("submit", "sleep", "0.2")
            _ = try await daemon.coroq("submit", "exec", "--", "sleep", "30")
            _ = try await daemon.log.line(containing: "task=2", "started")
        }
        #expect(exit.status == .exited(0))
        #expect(exit.log.contains("task=1 [CoroqRuntime] finished"))
        #expect(exit.log.contains("task=2 [CoroqRuntime] interrupted by shutdown, back in the queue"))
        try await withDaemon(directory, arguments: ["--shutdown-grace", "0"]) { daemon in
            let status = try await daemon.coroq("status", "2", "--json")
            let task = try #require(((try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])?["tasks"] as? [[String: Any]])?.first)
            // Requeued, not failed: no error recorded; claimed again at this start.
            #expect(task["error"] == nil && task["finished_at"] == nil)
            #expect(task["state"] as? String == "running" || task["state"] as? String == "queued")
            #expect((task["attempts"] as? Int ?? 0) >= 1)
        }
    }

    /// A `wait` cut off by the daemon's shutdown says so (exit 69), rather than pretending to time out or
    /// that the task failed; an idle connection does not hold the shutdown up.
    @Test func aWaitInterruptedByShutdownSaysSo() async throws {
        let exit = try await withDaemon(directory, arguments: ["--shutdown-grace", "0"]) { daemon in
            _ = try await daemon.coroq("submit", "sleep", "30")
            let idle = try RawConnection(path: directory.socket)
            async let wait = daemon.coroq("wait", "1")
            _ = try await daemon.log.line(containing: "wait registered")
            kill(daemon.pid, SIGTERM)
            let result = try await wait
            #expect(result.exitCode == 69)
            #expect(result.stderr == "coroq: coroqd is stopping; the tasks still pending go on after it restarts\n")
            withExtendedLifetime(idle) {}
        }
        #expect(exit.status == .exited(0))
    }

    /// A sleep whose deadline passed while the daemon was down finishes at once after the restart: its
    /// deadline was stored, not its duration. Timed on the daemon's clock, from the attempt history. The
    /// sleep is long enough that the kill lands inside it even on a loaded machine; the test then waits
    /// until the deadline recorded in the database has passed (the scenario: the daemon stays down past it).
    @Test func aSleepKeepsItsDeadlineAcrossACrash() async throws {
        let seconds = 8.0  // 4 s was not enough under `make test`'s load (the kill came after the sleep ended)
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "sleep", "\(seconds)")
            _ = try await daemon.log.line(containing: "task=1", "started")
            daemon.kill9()
        }
        var readOnly = GRDB.Configuration()
        readOnly.readonly = true
        let firstStart = try await DatabaseQueue(path: directory.database, configuration: readOnly).read { db in
            try Double.fetchOne(db, sql: "SELECT started_at FROM tasks WHERE id = 1 AND state = 'running'")
        }
        let started = try #require(firstStart, "the kill came after the sleep ended: the test proves nothing")
        let remaining = started + seconds + 0.2 - Date().timeIntervalSince1970
        if remaining > 0 { try await Task.sleep(for: .seconds(remaining)) }
        try await withDaemon(directory) { daemon in
            let wait = try await daemon.coroq("wait", "1")
            #expect(wait.exitCode == 0)
            let detail = try jsonObject(try await daemon.coroq("show", "1", "--json").stdout)
            let attempts = try #require(detail["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["interrupted", "succeeded"])
            let second = try #require(attempts.last)
            let took = (second["finished_at"] as? Double ?? 99) - (second["started_at"] as? Double ?? 0)
            #expect(took < 0.3, "slept \(took) s again instead of keeping the deadline")
        }
    }
}
