import CoroqCore
import CoroqJobs
import Foundation
import Testing

/// What a command leaves running when it exits is ended with its task, unless the task keeps it.
@Suite(.timeLimit(.minutes(1)))
struct ExecLeftoverTests {
    let logs = temporaryDirectory()
    /// A command line no other process on this machine has.
    let sleeper = ["sleep", "300.\(Int.random(in: 100_000...999_999))"]
    /// Starts the sleeper in the background and says "started" once it runs (once its command line is
    /// the sleeper's: before that, the forked shell has not run it yet).
    var script: String {
        let command = sleeper.joined(separator: " ")
        return "\(command) & pid=$!; until tr '\\0' ' ' < /proc/$pid/cmdline | grep -q '^\(command) '; do :; done; echo started"
    }

    @Test func aSucceededCommandsBackgroundChildIsEnded() async throws {
        let output = try await ExecJob(logDirectory: logs, terminationGrace: .milliseconds(500))
            .run(.init(argv: ["sh", "-c", script]), context: makeContext(3))
        #expect(output.exitStatus == 0 && output.stdout == "started\n")
        #expect(ProcessTable.live(sleeper).isEmpty)
    }

    @Test func keepChildrenLetsItRun() async throws {
        let output = try await ExecJob(logDirectory: logs)
            .run(.init(argv: ["sh", "-c", script], keepChildren: true),
                 context: makeContext(4))
        #expect(output.exitStatus == 0)
        let left = ProcessTable.live(sleeper)
        #expect(left.count == 1)
        for pid in left { kill(pid, SIGKILL) }
    }
}
