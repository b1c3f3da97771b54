import Foundation
import GRDB
import Subprocess
import SystemPackage
import Testing

/// Standalone futures (`coroq future`), `submit --after` under both policies and across `kill -9`, and
/// `wait --any`, through the real daemon and CLI.
@Suite(.timeLimit(.minutes(3)))
struct FutureAndAfterTests {
    let directory = TestDirectory()

    @Test func aTaskAfterAFutureRunsOnlyOnceTheFutureIsResolved() async throws {
        let runs = directory.file("runs.txt")
        let callbacks = directory.file("callbacks.txt")
        let called = directory.file("called")
        #expect(mkfifo(called, 0o600) == 0)
        try await withDaemon(directory) { daemon in
            let future = try await daemon.coroq(
                "future", "create", "--name", "approval",
                "--on-done", "echo $COROQ_TASK_ID:$COROQ_TASK_STATE:$COROQ_TASK_RESULT >> \(callbacks); echo done > \(called)"
            ).stdout.trimmed
            let task = try await daemon.coroq("submit", "--after", future, "exec", "--", "sh", "-c", "echo ran >> \(runs)")
            #expect(task.exitCode == 0, "\(task.stderr)")
            let id = task.stdout.trimmed
            let shown = try jsonObject(try await daemon.coroq("show", id, "--json").stdout)
            #expect((shown["task"] as? [String: Any])?["state"] as? String == "blocked")
            #expect(shown["after"] as? [Int] == [Int(future)!])
            #expect(try await daemon.coroq("show", future, "--json").stdout.contains(#""state" : "pending""#))
            let status = try await daemon.coroq("status").stdout
            #expect(status.contains("pending 1") && status.contains("blocked 1"), "\(status)")
            // Not started while the future is pending: the task is still blocked when a wait gives up.
            #expect(try await daemon.coroq("wait", id, "--timeout", "0.2").exitCode == 3)
            #expect(!FileManager.default.fileExists(atPath: runs))

            let resolved = try await daemon.coroq("future", "resolve", future, "--value", #"{"approved": true}"#)
            #expect(resolved.exitCode == 0 && resolved.stdout.contains("succeeded"), "\(resolved.stderr)")
            let wait = try await daemon.coroq("wait", id)
            #expect(wait.exitCode == 0, "\(wait.stdout) \(wait.stderr)")
            #expect(try jsonObject(try await daemon.coroq("result", future).stdout)["approved"] as? Bool == true)
            // The future's own wait returns at once: it is done; its on-done command ran with its value.
            #expect(try await daemon.coroq("wait", future).exitCode == 0)
            #expect(try await fifo(read: called) == "done\n")
            #expect(try String(contentsOfFile: callbacks, encoding: .utf8) == "\(future):succeeded:{\"approved\":true}\n")
        }
        #expect(try String(contentsOfFile: runs, encoding: .utf8) == "ran\n")
    }

    @Test func aFailedDependencyCancelsTheTaskUnderSucceededAndNotUnderFinished() async throws {
        try await withDaemon(directory) { daemon in
            let failing = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "exit 3").stdout.trimmed
            let strict = try await daemon.coroq("submit", "--after", failing, "noop").stdout.trimmed
            let lenient = try await daemon.coroq("submit", "--after", failing, "--after-policy", "finished", "noop").stdout.trimmed
            // A dependent of a task cancelled that way is cancelled in turn, naming its own dependency.
            let chained = try await daemon.coroq("submit", "--after", strict, "noop").stdout.trimmed
            let wait = try await daemon.coroq("wait", strict, lenient, chained, "--json")
            #expect(wait.exitCode == 2, "\(wait.stdout) \(wait.stderr)")
            let tasks = try Dictionary(uniqueKeysWithValues: wait.lines.dropLast().map(jsonObject).map { ("\($0["id"]!)", $0) })
            #expect(tasks[strict]?["state"] as? String == "cancelled")
            #expect((tasks[strict]?["error"] as? [String: Any])?["message"] as? String == "dependency \(failing) failed")
            #expect(tasks[lenient]?["state"] as? String == "succeeded")
            #expect((tasks[chained]?["error"] as? [String: Any])?["message"] as? String == "dependency \(strict) was cancelled")
            #expect(try await daemon.coroq("show", strict, "--json").stdout.contains(#""attempts" : 0"#), "it never ran")

            // Dependencies finished before the submit count at once.
            let late = try await daemon.coroq("submit", "--after", failing, "noop").stdout.trimmed
            let lateLenient = try await daemon.coroq("submit", "--after", "\(failing),\(lenient)", "--after-policy", "finished", "noop").stdout.trimmed
            #expect(try await daemon.coroq("wait", late).stdout.contains("cancelled  noop  dependency \(failing) failed"))
            #expect(try await daemon.coroq("wait", lateLenient).exitCode == 0)

            // A future resolved as failed cancels its dependents the same way; --batch lines take "after".
            let future = try await daemon.coroq("future", "create").stdout.trimmed
            let batch = try await daemon.coroq(["submit", "--batch"], stdin: """
                {"job": "noop", "after": [\(future)]}
                {"job": "noop", "after": [\(future)], "after_policy": "finished"}
                """)
            #expect(batch.exitCode == 0, "\(batch.stderr)")
            #expect(try await daemon.coroq("future", "resolve", future, "--error", "rejected").exitCode == 0)
            let batchWait = try await daemon.coroq(["wait"] + batch.lines, stdin: "")
            #expect(batchWait.stdout.contains("\(batch.lines[0])  cancelled  noop  dependency \(future) failed"), "\(batchWait.stdout)")
            #expect(batchWait.stdout.contains("\(batch.lines[1])  succeeded"), "\(batchWait.stdout)")
        }
    }

    /// The release of a dependent is written with its dependency's outcome: a daemon killed right after a
    /// future is resolved, before the dependent could start, runs the dependent once after the restart.
    @Test func aDependentReleasedJustBeforeAKillNineRunsExactlyOnceAfterTheRestart() async throws {
        let runs = directory.file("runs.txt")
        let (at, go) = (directory.file("at"), directory.file("go"))
        #expect(mkfifo(at, 0o600) == 0 && mkfifo(go, 0o600) == 0)
        // One slot, held by a task that waits for the test's go: the released dependent cannot start.
        let blocker = "echo here > \(at); read answer < \(go)"
        var dependent = ""
        let crashed = try await withDaemon(directory, arguments: ["--concurrency", "1"]) { daemon in
            #expect(try await daemon.coroq("submit", "exec", "--", "sh", "-c", blocker).exitCode == 0)
            #expect(try await fifo(read: at) == "here\n")
            let future = try await daemon.coroq("future", "create").stdout.trimmed
            dependent = try await daemon.coroq("submit", "--after", future, "exec", "--", "sh", "-c", "echo $COROQ_ATTEMPT >> \(runs)").stdout.trimmed
            #expect(try await daemon.coroq("future", "resolve", future, "--value", "1").exitCode == 0)
            daemon.kill9()
        }
        #expect(crashed.status == .signaled(SIGKILL))
        let dependentID = Int(dependent)!
        let state = try await DatabaseQueue(path: directory.database).read { db in
            try String.fetchOne(db, sql: "SELECT state FROM tasks WHERE id = ?", arguments: [dependentID])
        }
        #expect(state == "queued", "the release was not committed with the future's outcome")

        try await withDaemon(directory, arguments: ["--concurrency", "1"]) { daemon in
            #expect(try await fifo(read: at) == "here\n")  // the blocker runs again first
            try await fifo(write: "go", to: go)
            let wait = try await daemon.coroq("wait", "\(dependentID)")
            #expect(wait.exitCode == 0, "\(wait.stdout) \(wait.stderr)")
        }
        #expect(try String(contentsOfFile: runs, encoding: .utf8) == "1\n", "the dependent ran once, in its first attempt")
    }

    @Test func waitAnyReturnsAtTheFirstCompletionAndListsThePendingOnes() async throws {
        try await withDaemon(directory) { daemon in
            let futures = try await (0..<3).asyncMap { _ in try await daemon.coroq("future", "create").stdout.trimmed }
            async let waited = daemon.coroq(["wait", "--any"] + futures, stdin: "")
            _ = try await daemon.log.line(containing: "wait registered")
            #expect(try await daemon.coroq("future", "resolve", futures[1], "--value", "7").exitCode == 0)
            let wait = try await waited
            #expect(wait.exitCode == 0, "\(wait.stderr)")
            #expect(wait.lines.first?.hasPrefix("\(futures[1])  succeeded  future") == true, "\(wait.stdout)")
            #expect(wait.lines.last == "done: \(futures[1])  pending: \(futures[0]) \(futures[2])")

            // The first to finish failed: exit 2, and --json gives both lists.
            #expect(try await daemon.coroq("future", "resolve", futures[0], "--error", "no").exitCode == 0)
            let failed = try await daemon.coroq("wait", "--any", "--json", futures[0], futures[2])
            #expect(failed.exitCode == 2)
            let result = try jsonObject(try #require(failed.lines.last))
            #expect(result["done"] as? [Int] == [Int(futures[0])!])
            #expect(result["pending"] as? [Int] == [Int(futures[2])!])

            // --timeout says the same; a cancelled future is done.
            let timedOut = try await daemon.coroq("wait", futures[2], futures[1], "--timeout", "0.1")
            #expect(timedOut.exitCode == 3)
            #expect(timedOut.lines.last == "done: \(futures[1])  pending: \(futures[2])")
            #expect(try await daemon.coroq("cancel", futures[2]).exitCode == 0)
            #expect(try await daemon.coroq("wait", futures[2]).stdout.contains("cancelled  future  cancelled by request"))
        }
    }

    @Test func badInputIsRefusedWithATypedErrorAndNothingWritten() async throws {
        try await withDaemon(directory) { daemon in
            let future = try await daemon.coroq("future", "create").stdout.trimmed
            let task = try await daemon.coroq("submit", "noop").stdout.trimmed
            #expect(try await daemon.coroq("future", "resolve", future, "--value", "42").exitCode == 0)

            let again = try await daemon.coroq("future", "resolve", future, "--error", "late")
            #expect(again.exitCode == 1)
            #expect(again.stderr.contains("future \(future) already succeeded with 42; a future resolves once"), "\(again.stderr)")
            let notFuture = try await daemon.coroq("future", "resolve", task, "--value", "1")
            #expect(notFuture.exitCode == 1 && notFuture.stderr.contains("task \(task) is a 'noop' task, not a future"), "\(notFuture.stderr)")
            let unknown = try await daemon.coroq("future", "resolve", "999", "--value", "1")
            #expect(unknown.exitCode == 1 && unknown.stderr.contains("no future with id 999"), "\(unknown.stderr)")
            let badJSON = try await daemon.coroq("future", "resolve", future, "--value", "{oops")
            #expect(badJSON.exitCode == 64 && badJSON.stderr.contains("--value must be JSON"), "\(badJSON.stderr)")
            let both = try await daemon.coroq("future", "resolve", future, "--value", "1", "--error", "x")
            #expect(both.exitCode == 64)

            let unknownAfter = try await daemon.coroq("submit", "--after", "\(task),999", "noop")
            #expect(unknownAfter.exitCode == 1)
            #expect(unknownAfter.stderr.contains("--after 999: no task or future with that id"), "\(unknownAfter.stderr)")
            let batch = try await daemon.coroq(["submit", "--batch"], stdin: """
                {"job": "noop"}
                {"job": "noop", "after": [998]}
                """)
            #expect(batch.exitCode == 1 && batch.stderr.contains("line 2: --after 998"), "\(batch.stderr)")
            let policy = try await daemon.coroq("submit", "--after", task, "--after-policy", "sometimes", "noop")
            #expect(policy.exitCode == 64)
            #expect(try await daemon.coroq("submit", "--after-policy", "finished", "noop").exitCode == 64)

            // Nothing of the refused submits was stored, and the daemon goes on.
            let status = try jsonObject(try await daemon.coroq("status", "--json").stdout)
            #expect((status["tasks"] as? [Any])?.count == 2)
            #expect(try await daemon.coroq("show", future, "--json").stdout.contains(#""result" : 42"#))
        }
    }

    /// Reads a line from a FIFO (opening it waits for the writer), within 40 s.
    private func fifo(read path: String) async throws -> String {
        try await withDeadline(.seconds(40)) {
            try await Subprocess.run(.path("/bin/cat"), arguments: [path], output: .string(limit: 1024)).standardOutput
        }
    }

    /// Writes a line to a FIFO (opening it waits for the reader), within 40 s.
    private func fifo(write line: String, to path: String) async throws {
        try await withDeadline(.seconds(40)) {
            _ = try await Subprocess.run(.path("/bin/sh"), arguments: ["-c", "echo \(line) > \(path)"], output: .discarded)
        }
    }
}

extension String {
    fileprivate var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension Sequence {
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
