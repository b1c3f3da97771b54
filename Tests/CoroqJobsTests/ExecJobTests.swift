import CoroqCore
import CoroqJSON
import CoroqJobs
import Foundation
import Subprocess
import Testing

@Suite(.timeLimit(.minutes(1)))
struct ExecJobTests {
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

    @Test(arguments: ["/nonexistent/command", "no-such-command-coroq"])
    func aMissingCommandIsATypedError(command: String) async throws {
        do {
            _ = try await run([command])
            Issue.record("a command that does not exist must fail the task")
        } catch let error as TaskError {
            #expect(error.code == "spawn_failed")
            #expect(error.message.hasPrefix("could not start '\(command)'"))
        }
    }

    @Test func emptyArgvIsRejectedAtValidation() {
        #expect(throws: InvalidArguments.self) { try ExecJob(logDirectory: logs).validate(.init(argv: [])) }
    }

    /// Cancelling the task kills the whole process group: a grandchild does not outlive it. The grandchild
    /// holds a FIFO's writing end: the reader sees "alive" when it runs, and end-of-file when it dies.
    @Test func cancellingKillsTheWholeProcessGroup() async throws {
        let fifo = "\(logs)/grandchild.fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let job = ExecJob(logDirectory: logs, terminationGrace: .milliseconds(200))
        let attempt = Task {
            try await job.run(.init(argv: ["sh", "-c", "(echo alive; exec sleep 30) > \(fifo) & wait"]), context: makeContext(8))
        }
        let clock = ContinuousClock()
        let reader = try await Subprocess.run(
            .path("/bin/cat"), arguments: [fifo], input: .none, output: .sequence, error: .discarded
        ) { execution in
            var lines: [String] = []
            var cancelledAt: ContinuousClock.Instant?
            for try await line in execution.standardOutput.strings() {
                lines.append(line)
                cancelledAt = clock.now
                attempt.cancel()
            }
            return (lines, cancelledAt.map { clock.now - $0 })
        }
        let (lines, deathAfterCancel) = reader.closureResult
        #expect(lines == ["alive\n"] || lines == ["alive"])
        // SIGTERM to the group, SIGKILL 0.2 s later at most; the grandchild would otherwise live 30 s.
        #expect(try #require(deathAfterCancel) < .seconds(5))
        let result = await attempt.result
        #expect(throws: TaskError.self) { try result.get() }
    }
}
