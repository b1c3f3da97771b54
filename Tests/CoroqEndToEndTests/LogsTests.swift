import Foundation
import Subprocess
import SystemPackage
import Testing

/// `coroq logs` and `coroq logs -f` with the real binaries.
@Suite(.timeLimit(.minutes(1)))
struct LogsTests {
    let directory = TestDirectory()

    /// Lines reach `logs -f` while the task runs: the task prints, then blocks on a FIFO that the test
    /// opens only after it has seen the line.
    @Test func followStreamsOutputAsItIsPrinted() async throws {
        let gate = directory.file("gate.fifo")
        #expect(mkfifo(gate, 0o600) == 0)
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "echo one; echo err >&2; read go < \(gate); echo two")
            let follow = try await Subprocess.run(
                .path(Binaries.coroq), arguments: ["logs", "-f", "1"],
                environment: .inherit.updating(["COROQ_SOCKET": directory.socket]),
                input: .none, output: .sequence, error: .discarded
            ) { execution in
                var lines: [String] = []
                for try await line in execution.standardOutput.strings() {
                    lines.append(line.trimmingCharacters(in: .newlines))
                    if Set(lines) == ["one", "err"] {
                        // The task is blocked on the gate: these lines were streamed, not read at the end.
                        _ = try await Subprocess.run(.path("/bin/sh"), arguments: ["-c", "echo go > \(gate)"], output: .discarded)
                    }
                }
                return lines
            }
            #expect(follow.terminationStatus == .exited(0))
            #expect(Set(follow.closureResult) == ["one", "err", "two"])
            #expect(follow.closureResult.last == "two")

            let whole = try await daemon.coroq("logs", "1")
            #expect(whole.exitCode == 0)
            #expect(Set(whole.lines) == ["one", "err", "two"])
        }
    }

    @Test func logsOfAnUnknownTaskIsAnError() async throws {
        try await withDaemon(directory) { daemon in
            let result = try await daemon.coroq("logs", "9")
            #expect(result.exitCode == 1 && result.stderr == "coroq: no task with id 9 (`coroq status` lists the tasks)\n")
        }
    }

    /// A character written in two pieces reaches `logs -f` whole, not as two replacement characters.
    @Test func aCharacterSplitAcrossWritesArrivesWhole() async throws {
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "sh", "-c", #"printf '\303'; sleep 0.2; printf '\251\n'"#)
            let follow = try await daemon.coroq("logs", "-f", "1")
            #expect(follow.stdout == "é\n")
            #expect(try await daemon.coroq("logs", "1").stdout == "é\n")
        }
    }
}
