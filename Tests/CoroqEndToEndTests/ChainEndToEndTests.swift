import Foundation
import Subprocess
import Testing

/// Issue 11, part 7: `--then` follow-ups and `--on-success` / `--on-failure` against the real daemon.
@Suite(.timeLimit(.minutes(1)))
struct ChainEndToEndTests {
    let directory = TestDirectory()
    /// A follow-up that prints the input it received.
    let printInput = ["exec", "--", "sh", "-c", #"printf '%s' "$COROQ_INPUT""#]

    @Test func aThenFollowUpReceivesTheResultOnSuccess() async throws {
        try await withDaemon(directory) { daemon in
            let submit = try await daemon.coroq(["submit", "--json", "exec", "--", "echo", "hello", "--then"] + printInput, stdin: "")
            #expect(try jsonObject(submit.stdout)["id"] as? Int == 1)
            #expect(try jsonObject(submit.stdout)["then"] as? Int == 2)
            #expect(try await daemon.coroq("wait", "1", "2").exitCode == 0)
            let result = try jsonObject(try await daemon.coroq("result", "2").stdout)
            let input = try jsonObject(result["stdout"] as? String ?? "")
            #expect(input["stdout"] as? String == "hello\n", "the follow-up did not get the first task's result")
            // The chain both ways in show.
            #expect(try await daemon.coroq("show", "1").stdout.contains("then     task 2"))
            #expect(try await daemon.coroq("show", "2").stdout.contains("after    task 1 (then, on success)"))
        }
    }

    @Test func anExecFollowUpIsToldTheTaskItFollows() async throws {
        try await withDaemon(directory) { daemon in
            let submit = try await daemon.coroq(
                ["submit", "exec", "--", "true", "--then", "exec", "--", "sh", "-c", #"printf '%s' "$COROQ_INPUT_TASK""#], stdin: "")
            #expect(submit.stdout == "1\n")
            #expect(try await daemon.coroq("wait", "1", "2").exitCode == 0)
            let result = try jsonObject(try await daemon.coroq("result", "2").stdout)
            #expect(result["stdout"] as? String == "1")
        }
    }

    @Test func aJSONJobFollowUpGetsTheResultAsInput() async throws {
        try await withDaemon(directory) { daemon in
            let submit = try await daemon.coroq("submit", "sleep", "0.1", "--then", "noop")
            #expect(submit.stdout == "1\n")
            #expect(submit.stderr == "coroq: task 1 is followed by task 2 (--then)\n")
            #expect(try await daemon.coroq("wait", "1", "2").exitCode == 0)
            // noop returns its arguments: the sleep's result under "input".
            let result = try await daemon.coroq("result", "2").stdout
            #expect(result.contains("\"input\""), "\(result)")
        }
    }

    @Test func underSuccessAFailedTaskCancelsItsFollowUp() async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq(["submit", "exec", "--", "false", "--then"] + printInput, stdin: "").stdout == "1\n")
            let wait = try await daemon.coroq("wait", "1", "2")
            #expect(wait.lines.contains { $0.hasPrefix("2 ") && $0.contains("cancelled") && $0.contains("dependency 1 failed") })
        }
    }

    @Test func underAlwaysAFailedTasksFollowUpRunsWithItsError() async throws {
        try await withDaemon(directory) { daemon in
            let submit = try await daemon.coroq(
                ["submit", "--then-on", "always", "exec", "--", "sh", "-c", "exit 3", "--then"] + printInput, stdin: "")
            #expect(submit.stdout == "1\n")
            _ = try await daemon.coroq("wait", "1", "2")
            let result = try jsonObject(try await daemon.coroq("result", "2").stdout)
            let input = try jsonObject(result["stdout"] as? String ?? "")
            let error = input["error"] as? [String: Any]
            #expect(error?["code"] as? String == "exit_status")
            #expect(try await daemon.coroq("show", "2").stdout.contains("after    task 1 (then, on always)"))
        }
    }

    @Test func aBatchLineTakesThen() async throws {
        try await withDaemon(directory) { daemon in
            let batch = try await daemon.coroq(["submit", "--batch", "--json"], stdin: """
                {"job": "noop", "args": {"n": 7}, "then": {"job": "noop"}}
                {"job": "noop"}

                """)
            let lines = try batch.lines.map(jsonObject)
            #expect(lines.map { $0["id"] as? Int } == [1, 3])
            #expect(lines.map { $0["then"] as? Int } == [2, nil])
            #expect(try await daemon.coroq("wait", "1", "2", "3").exitCode == 0)
            #expect(try await daemon.coroq("result", "2").stdout.contains("\"n\" : 7"))
        }
    }

    /// Each task's matching callback signals through a FIFO; reading it is the event the test awaits.
    @Test func onSuccessAndOnFailureFireOnlyOnTheirOutcome() async throws {
        let fifo = directory.file("callbacks.fifo")
        let out = directory.file("callbacks.txt")
        #expect(mkfifo(fifo, 0o600) == 0)
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq(
                "submit", "--on-success", "echo 1-success >> \(out); echo x > \(fifo)",
                "--on-failure", "echo 1-failure >> \(out)", "exec", "--", "true").stdout == "1\n")
            #expect(try await Subprocess.run(.path("/bin/cat"), arguments: [fifo], output: .string(limit: 64)).standardOutput == "x\n")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "1-success\n")

            #expect(try await daemon.coroq(
                "submit", "--on-done", "echo 2-done >> \(out)", "--on-success", "echo 2-success >> \(out)",
                "--on-failure", "echo 2-failure >> \(out); echo x > \(fifo)", "exec", "--", "false").stdout == "2\n")
            #expect(try await Subprocess.run(.path("/bin/cat"), arguments: [fifo], output: .string(limit: 64)).standardOutput == "x\n")
            // on-done first, then the failure's own; the success callback never ran.
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "1-success\n2-done\n2-failure\n")
            let show = try await daemon.coroq("show", "2").stdout
            #expect(show.contains("on-failure  echo 2-failure"))
        }
    }
}
