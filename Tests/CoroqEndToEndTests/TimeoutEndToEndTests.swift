import Foundation
import Testing

/// Issue 11, part 3: `--timeout` against the real daemon. A timed-out `exec` leaves no process of its group
/// behind; one that ignores SIGTERM is SIGKILLed after the grace (2 s); a held `sleep` times out too.
@Suite(.timeLimit(.minutes(1)))
struct TimeoutEndToEndTests {
    let directory = TestDirectory()
    /// `sleep 60`, with a command line no other process on this machine has.
    let sleeper = ["sleep", "60.\(Int.random(in: 100_000...999_999))"]

    @Test func aTimedOutShellAndTheChildItStartedLeaveNoProcess() async throws {
        let command = sleeper.joined(separator: " ")
        let marker = directory.file("started")
        // `sleep 60 & sleep 60`: a background child and a foreground one, both in the task's process group.
        let script = "\(command) & touch \(marker); \(command)"
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("submit", "--timeout", "2s", "exec", "--", "sh", "-c", script).stdout == "1\n")
            let wait = try await daemon.coroq("wait", "1")
            #expect(wait.exitCode == 2)
            #expect(wait.stdout.contains("timed out after 2s"))
            #expect(FileManager.default.fileExists(atPath: marker), "the script never started its children")
            #expect(ProcessTable.live(sleeper).isEmpty, "a sleep of the timed-out task outlived it")
            let show = try await daemon.coroq("show", "--json", "1")
            let task = try jsonObject(show.stdout)["task"] as? [String: Any]
            let error = task?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "timeout")
            #expect(error?["message"] as? String == "timed out after 2s")
            #expect(task?["timeout"] as? Double == 2)
            #expect(try await daemon.coroq("show", "1").stdout.contains("timeout  2s per attempt"))
        }
    }

    @Test func aCommandThatIgnoresSIGTERMIsKilledAfterTheGrace() async throws {
        let command = sleeper.joined(separator: " ")
        try await withDaemon(directory) { daemon in
            let start = ContinuousClock.now
            #expect(try await daemon.coroq("submit", "--timeout", "1s", "exec", "--", "sh", "-c", "trap '' TERM; \(command)").stdout == "1\n")
            let wait = try await daemon.coroq("wait", "1")
            let took = ContinuousClock.now - start
            #expect(wait.stdout.contains("timed out after 1s"))
            // SIGTERM at 1 s is ignored (by sh and, inherited, by sleep); SIGKILL follows 2 s later.
            #expect(took >= .seconds(3), "the group was killed before the grace was over: \(took)")
            #expect(took < .seconds(20))
            #expect(ProcessTable.live(sleeper).isEmpty, "SIGKILL did not end the sleep that ignores SIGTERM")
        }
    }

    @Test func aHeldSleepTimesOutAtItsDeadlineAndOneThatEndsInTimeSucceeds() async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("submit", "--timeout", "500ms", "sleep", "1h").stdout == "1\n")
            #expect(try await daemon.coroq("submit", "--timeout", "1m", "sleep", "0.1").stdout == "2\n")
            let wait = try await daemon.coroq("wait", "1", "2")
            #expect(wait.lines.count == 2)
            #expect(wait.lines.contains { $0.hasPrefix("1 ") && $0.contains("failed") && $0.contains("timed out after 500ms") })
            #expect(wait.lines.contains { $0.hasPrefix("2 ") && $0.contains("succeeded") })
        }
    }

    @Test func aBadTimeoutIsRefusedBeforeAnythingIsSubmitted() async throws {
        try await withDaemon(directory) { daemon in
            let bad = try await daemon.coroq("submit", "--timeout", "soon", "noop")
            #expect(bad.exitCode == 64)
            #expect(bad.stderr.contains("--timeout soon: expected a duration such as 500ms"))
            let zero = try await daemon.coroq("submit", "--timeout", "0", "noop")
            #expect(zero.exitCode == 64)
            let batch = try await daemon.coroq(["submit", "--batch"], stdin: #"{"job": "noop", "timeout": -1}"# + "\n")
            #expect(batch.exitCode == 1)
            #expect(batch.stderr.contains("line 1: task 0: \"timeout\" is -1.0"))
        }
    }
}

/// A `[jobs.NAME]` job's `timeout` applies when the submit gives none; `--timeout` overrides it.
@Suite(.timeLimit(.minutes(1)))
struct ConfigJobTimeoutEndToEndTests {
    let directory = TestDirectory()

    @Test func aConfigJobsTimeoutIsItsDefault() async throws {
        let config = directory.file("coroqd.toml")
        try "[jobs.slow]\ncommand = [\"sleep\", \"60\"]\ntimeout = \"1s\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            #expect(try await daemon.coroq("submit", "slow").stdout == "1\n")
            #expect(try await daemon.coroq("submit", "--timeout", "100ms", "slow").stdout == "2\n")
            let wait = try await daemon.coroq("wait", "1", "2")
            #expect(wait.lines.contains { $0.hasPrefix("1 ") && $0.contains("timed out after 1s") })
            #expect(wait.lines.contains { $0.hasPrefix("2 ") && $0.contains("timed out after 100ms") })
        }
    }
}

/// A `[jobs.NAME]` job's queue, priority and retries apply when the submit gives none.
@Suite(.timeLimit(.minutes(1)))
struct ConfigJobSubmitDefaultsEndToEndTests {
    let directory = TestDirectory()

    @Test func aConfigJobsQueuePriorityAndRetriesAreItsDefaults() async throws {
        let config = directory.file("coroqd.toml")
        try """
            [queues.net]
            concurrency = 1
            [jobs.flaky]
            command = ["sh", "-c", "exit 1"]
            queue = "net"
            priority = 7
            retries = 1
            backoff = "fixed"
            backoff_base = "100ms"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            #expect(try await daemon.coroq("submit", "flaky").stdout == "1\n")
            #expect(try await daemon.coroq("submit", "--priority", "1", "--retries", "0", "flaky").stdout == "2\n")
            _ = try await daemon.coroq("wait", "1", "2")
            let first = try await daemon.coroq("show", "1").stdout
            #expect(first.contains("queue    net"))
            #expect(first.contains("priority 7"))
            #expect(first.contains("#2"))  // retried once
            let second = try await daemon.coroq("show", "2").stdout
            #expect(second.contains("queue    net"))
            #expect(second.contains("priority 1"))
            #expect(!second.contains("#2"))  // its own --retries 0 won
        }
    }
}
