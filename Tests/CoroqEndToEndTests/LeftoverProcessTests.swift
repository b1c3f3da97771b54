import Foundation
import Testing

/// Issue 12, item 7: background children of an `exec` task that succeeded do not outlive it, unless the
/// task was submitted with --keep-children.
@Suite(.timeLimit(.minutes(1)))
struct LeftoverProcessTests {
    let directory = TestDirectory()
    /// `sleep 300`, with a command line no other process on this machine has.
    let sleeper = ["sleep", "300.\(Int.random(in: 100_000...999_999))"]

    @Test func aSucceededTasksBackgroundChildIsEndedUnlessKept() async throws {
        // The sleeper in the background; "started" once it runs (its command line is the sleeper's).
        let command = sleeper.joined(separator: " ")
        let script = "\(command) & pid=$!; until tr '\\0' ' ' < /proc/$pid/cmdline | grep -q '^\(command) '; do :; done; echo started"
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout == "1\n")
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)
            let result = try await daemon.coroq("result", "1")
            #expect(result.exitCode == 0 && result.stdout.contains("started"))
            #expect(ProcessTable.live(sleeper).isEmpty, "the background sleep outlived its task")

            #expect(try await daemon.coroq("submit", "--keep-children", "exec", "--", "sh", "-c", script).stdout == "2\n")
            #expect(try await daemon.coroq("wait", "2").exitCode == 0)
            let kept = ProcessTable.live(sleeper)
            #expect(kept.count == 1, "--keep-children must let the background sleep run")
            for pid in kept { kill(pid, SIGKILL) }
        }
    }
}
