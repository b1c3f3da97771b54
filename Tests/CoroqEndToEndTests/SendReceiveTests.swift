import Foundation
import Subprocess
import SystemPackage
import Testing

/// `coroq send` and `coroq receive` between a person and an `exec` task's script: values arrive in order,
/// each once, also those sent before the task started, and across a `kill -9` of the daemon.
@Suite(.timeLimit(.minutes(3)))
struct SendReceiveTests {
    let directory = TestDirectory()
    var path: String { "\(Binaries.directory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")" }

    /// A blocker holds the only slot while two values are sent to the queued receiver. The receiver takes
    /// them, says so on a FIFO, and waits for a third; the daemon is killed there. After the restart its
    /// first two receives replay the same values, and the third gets the value sent then.
    @Test func valuesArriveInOrderOnceEachAlsoSentBeforeTheStartAndAcrossAKill9() async throws {
        let out = directory.file("out.txt")
        let (at, unblock) = (directory.file("at"), directory.file("unblock"))
        #expect(mkfifo(at, 0o600) == 0 && mkfifo(unblock, 0o600) == 0)
        let script = """
            a=$(coroq receive) || exit 1; echo "a=$a" >> \(out)
            b=$(coroq receive --raw) || exit 1; echo "b=$b" >> \(out)
            echo here > \(at)
            c=$(coroq receive) || exit 1; echo "c=$c" >> \(out)
            """
        var id = ""
        try await withDaemon(directory, arguments: ["--concurrency", "1"], environment: ["PATH": path]) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "read x < \(unblock)")
            id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let first = try await daemon.coroq("send", id, #"{"n": 1}"#)
            #expect(first.exitCode == 0 && first.stdout.contains("value 1"), "\(first.stdout) \(first.stderr)")
            #expect(try await daemon.coroq("send", id, #""two""#).exitCode == 0)
            #expect(try await daemon.coroq("status", id, "--json").stdout.contains("queued"), "sent before the task started")
            try await fifo(write: "go", to: unblock)
            #expect(try await fifo(read: at) == "here\n")
            daemon.kill9()
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "a={\"n\":1}\nb=two\n")
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            #expect(try await fifo(read: at) == "here\n")  // the re-run got its two values again
            #expect(try await daemon.coroq("send", id, "3").exitCode == 0)
            let wait = try await daemon.coroq("wait", id)
            #expect(wait.exitCode == 0, "\(wait.stdout) \(wait.stderr)")
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "a={\"n\":1}\nb=two\na={\"n\":1}\nb=two\nc=3\n")
    }

    @Test func aReceiveTimeoutExitsThreeAndASendWakesAWaitingReceive() async throws {
        let out = directory.file("out.txt")
        let script = """
            coroq receive --timeout 0.2 >> \(out); echo "timeout:$?" >> \(out)
            coroq receive >> \(out)
            """
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            // Sent once the first receive timed out, to the second one waiting.
            _ = try await daemon.log.line(containing: "receive 1 of task \(id) waits", "timeout=none")
            #expect(try await daemon.coroq("send", id, "[1,2]").exitCode == 0)
            #expect(try await daemon.coroq("wait", id).exitCode == 0)
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "timeout:3\n[1,2]\n")
    }

    @Test func badSendsAreRefusedWithWhatToDo() async throws {
        try await withDaemon(directory, arguments: ["--max-task-bytes", "1024"]) { daemon in
            let id = try await daemon.coroq("submit", "noop").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await daemon.coroq("wait", id).exitCode == 0)
            let finished = try await daemon.coroq("send", id, "1")
            #expect(finished.exitCode == 1)
            #expect(finished.stderr.contains("is succeeded") && finished.stderr.contains("queued or running"), "\(finished.stderr)")
            let unknown = try await daemon.coroq("send", "9999", "1")
            #expect(unknown.exitCode == 1 && unknown.stderr.contains("no task with id 9999"), "\(unknown.stderr)")
            let invalid = try await daemon.coroq("send", id, "{nope")
            #expect(invalid.exitCode == 64 && invalid.stderr.contains("JSON text"), "\(invalid.stderr)")
            let running = try await daemon.coroq("submit", "sleep", "30").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let large = try await daemon.coroq("send", running, "\"\(String(repeating: "x", count: 2000))\"")
            #expect(large.exitCode == 1 && large.stderr.contains("max_task_bytes"), "\(large.stderr)")
            // The daemon still answers.
            #expect(try await daemon.coroq("send", running, "1").exitCode == 0)
            #expect(try await daemon.coroq("cancel", running).exitCode == 0)
        }
    }

    /// A script cancelled while it waits in `coroq receive`: the daemon ends that receive (it does not wait
    /// for ever for a value no one can send), and a receive for a finished task is refused.
    @Test func aReceiveEndsWhenItsTaskFinishes() async throws {
        let path = "\(Binaries.directory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "coroq receive").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await daemon.log.line(containing: "receive 1 of task \(id) waits")
            #expect(try await daemon.coroq("cancel", id).exitCode == 0)
            _ = try await daemon.log.line(containing: "refused a request: task \(id) finished while waiting for a value", "task_finished")
            let late = try await Subprocess.run(
                .path(Binaries.coroq), arguments: ["receive"],
                environment: .inherit.updating(["COROQ_TASK_ID": id, "COROQ_SOCKET": directory.socket]),
                output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
            #expect(late.terminationStatus == .exited(1))
            #expect(late.standardError.contains("is cancelled"), "\(late.standardError)")
        }
    }

    @Test func receiveOutsideATaskIsAUsageError() async throws {
        let result = try await Subprocess.run(
            .path(Binaries.coroq), arguments: ["receive"],
            environment: .inherit.updating(["COROQ_TASK_ID": nil, "COROQ_SOCKET": directory.socket]),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(result.terminationStatus == .exited(64))
        #expect(result.standardError.contains("coroq receive runs inside a coroq exec task"), "\(result.standardError)")
    }

    private func fifo(read path: String) async throws -> String {
        try await withDeadline(.seconds(40)) {
            try await Subprocess.run(.path("/bin/cat"), arguments: [path], output: .string(limit: 1024)).standardOutput
        }
    }

    private func fifo(write line: String, to path: String) async throws {
        try await withDeadline(.seconds(40)) {
            _ = try await Subprocess.run(.path("/bin/sh"), arguments: ["-c", "echo \(line) > \(path)"], output: .discarded)
        }
    }
}
