import CoroqCore
import CoroqJSON
import CoroqJobs
import Foundation
import Testing

@Suite struct ExecJobTests {
    let logs = temporaryDirectory()

    func run(_ argv: [String], tailBytes: Int = 4096) async throws -> ExecJob.Output {
        try await ExecJob(logDirectory: logs, tailBytes: tailBytes)
            .run(.init(argv: argv, cwd: logs), context: makeContext(7))
    }

    @Test func successKeepsStdoutStderrAndTheLogFile() async throws {
        let output = try await run(["sh", "-c", "echo out; echo err >&2; pwd"])
        #expect(output.exitStatus == 0 && output.signal == nil)
        #expect(output.stdout == "out\n\(logs)\n")
        #expect(output.stderr == "err\n")
        #expect(output.log == "\(logs)/7.log")
        let logged = try String(contentsOfFile: output.log, encoding: .utf8)
        #expect(logged.contains("out\n") && logged.contains("err\n"))
    }

    @Test func nonZeroExitFailsWithTheStatusAndOutput() async throws {
        do {
            _ = try await run(["sh", "-c", "echo hello; exit 3"])
            Issue.record("a failing command must fail the task")
        } catch let error as TaskError {
            #expect(error.code == "exit_status")
            #expect(error.message == "exited with status 3")
            #expect(error.details?["exit_status"] == 3)
            #expect(error.details?["stdout"] == "hello\n")
        }
    }

    @Test func longOutputKeepsTheTailAndTheWholeLog() async throws {
        let output = try await run(["sh", "-c", "seq 1 2000"], tailBytes: 32)
        #expect(output.outputTruncated)
        #expect(output.stdout.utf8.count == 32)
        #expect(output.stdout.hasSuffix("1999\n2000\n"))
        let logged = try String(contentsOfFile: output.log, encoding: .utf8)
        #expect(logged.hasPrefix("1\n2\n3\n") && logged.hasSuffix("2000\n"))
    }

    @Test func aMissingCommandIsATypedError() async throws {
        await #expect(throws: TaskError.self) { try await run(["/nonexistent/command"]) }
        do {
            _ = try await run(["no-such-command-coroq"])
        } catch let error as TaskError {
            #expect(error.code == "spawn_failed")
        }
    }

    @Test func emptyArgvIsRejectedAtValidation() {
        #expect(throws: InvalidArguments.self) { try ExecJob(logDirectory: logs).validate(.init(argv: [])) }
    }

    /// Cancelling the task kills the whole process group: a grandchild does not outlive it.
    @Test func cancellingKillsTheWholeProcessGroup() async throws {
        let pidFile = "\(logs)/grandchild.pid"
        let job = ExecJob(logDirectory: logs, terminationGrace: .milliseconds(200))
        let attempt = Task {
            try await job.run(.init(argv: ["sh", "-c", "sleep 30 & echo $! > \(pidFile); wait"]), context: makeContext(8))
        }
        var pid: Int32?
        while pid == nil {
            try await Task.sleep(for: .milliseconds(10))
            pid = (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        #expect(kill(pid!, 0) == 0)
        attempt.cancel()
        _ = await attempt.result
        // The group got SIGTERM; give the kernel a moment to reap the orphan (adopted by init).
        var alive = true
        for _ in 0..<200 where alive {
            alive = kill(pid!, 0) == 0 && !isZombie(pid!)
            if alive { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(!alive, "the grandchild \(pid!) survived the cancellation")
    }

    private func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }
}
