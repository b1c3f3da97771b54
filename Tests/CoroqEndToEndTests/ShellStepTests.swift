import Foundation
import Subprocess
import SystemPackage
import Testing

/// `coroq step` in an `exec` task's script: a step runs once per task, also when the daemon is killed half
/// way through the script and the task runs again.
@Suite(.timeLimit(.minutes(3)))
struct ShellStepTests {
    let directory = TestDirectory()

    /// The script pauses between steps b and c on two FIFOs: it says it got there (the test reads `at`),
    /// then waits for the test's go (`go`). The daemon is killed there; the re-run must not redo a or b, and
    /// replays b's exit status.
    @Test func aScriptKilledWithTheDaemonBetweenStepsSkipsFinishedStepsWhenItRunsAgain() async throws {
        let effects = directory.file("effects.txt")
        let statuses = directory.file("statuses.txt")
        let (at, go) = (directory.file("at"), directory.file("go"))
        #expect(mkfifo(at, 0o600) == 0 && mkfifo(go, 0o600) == 0)
        let script = """
            coroq step a -- sh -c 'echo a >> \(effects)'
            coroq step b -- sh -c 'echo b >> \(effects); exit 3'
            echo "b:$?" >> \(statuses)
            echo here > \(at)
            read answer < \(go)
            coroq step c -- sh -c 'echo c >> \(effects)'
            """
        let path = "\(Binaries.directory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"
        var id = ""
        let crashed = try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let submitted = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script)
            #expect(submitted.exitCode == 0, "\(submitted.stderr)")
            id = submitted.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await fifo(read: at) == "here\n")  // a and b are recorded: the script is between b and c
            daemon.kill9()
        }
        #expect(crashed.status == .signaled(SIGKILL))
        #expect(try String(contentsOfFile: effects, encoding: .utf8) == "a\nb\n")

        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            #expect(try await fifo(read: at) == "here\n")  // the re-run got past a and b
            try await fifo(write: "go", to: go)
            let wait = try await daemon.coroq("wait", id)
            #expect(wait.exitCode == 0, "\(wait.stdout) \(wait.stderr)")
            let detail = try jsonObject(try await daemon.coroq("show", id, "--json").stdout)
            let steps = try #require(detail["steps"] as? [[String: Any]])
            #expect(steps.map { $0["name"] as? String } == ["a", "b", "c"])
            #expect(steps.map { $0["result"] as? Int } == [0, 3, 0])
            #expect(steps.map { $0["attempt"] as? Int } == [1, 1, 2])
            let shown = try await daemon.coroq("show", id).stdout
            #expect(shown.contains("steps") && shown.contains("exit 3"), "\(shown)")
            let log = try await daemon.coroq("logs", id).stdout
            #expect(log.contains("step 'a' already done") && log.contains("step 'b' already done"), "\(log)")
        }
        #expect(try String(contentsOfFile: effects, encoding: .utf8) == "a\nb\nc\n", "a finished step ran again")
        #expect(try String(contentsOfFile: statuses, encoding: .utf8) == "b:3\nb:3\n", "b's exit status is replayed")
    }

    @Test func outsideATaskItIsAUsageError() async throws {
        let result = try await Subprocess.run(
            .path(Binaries.coroq), arguments: ["step", "a", "--", "touch", directory.file("ran")],
            environment: .inherit.updating(["COROQ_TASK_ID": nil, "COROQ_SOCKET": directory.socket]),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(result.terminationStatus == .exited(64))
        #expect(result.standardError.contains("COROQ_TASK_ID is not set"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("ran")))
    }

    /// What a FIFO's writer wrote (opening it waits for the writer), within 40 s.
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
