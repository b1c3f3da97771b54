import Foundation
import Subprocess
import Testing

/// Issue 12: an `exec` command's environment is explicit. The daemon's secrets stay with the daemon unless
/// configured (`exec_pass_env`); `--env` adds variables; `--inherit-env` runs with the submitter's.
@Suite(.timeLimit(.minutes(1)))
struct ExecEnvironmentEndToEndTests {
    let directory = TestDirectory()

    @Test func theCommandSeesWhatWasAskedAndNotTheDaemonsSecrets() async throws {
        let config = directory.file("coroqd.toml")
        try "exec_pass_env = [\"COROQ_E2E_PASSED\"]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemonEnvironment = ["COROQ_E2E_SECRET": "hunter2", "COROQ_E2E_PASSED": "configured"]
        try await withDaemon(directory, arguments: ["--config", config], environment: daemonEnvironment) { daemon in
            let show = #"echo "secret=$COROQ_E2E_SECRET passed=$COROQ_E2E_PASSED mode=$MODE mine=$SUBMITTER_ONLY id=$COROQ_TASK_ID""#
            #expect(try await daemon.coroq("submit", "--env", "MODE=fast", "exec", "--", "sh", "-c", show).stdout == "1\n")
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)
            #expect(try await stdout(of: 1, daemon) == "secret= passed=configured mode=fast mine= id=1\n")

            // The submitter's environment as it was at submit, none of the daemon's.
            let submitter = ["PATH": "/usr/bin:/bin", "SUBMITTER_ONLY": "mine", "COROQ_E2E_SECRET": "the submitter's own"]
            let submitted = try await coroq(["submit", "--inherit-env", "--env", "MODE=slow", "exec", "--", "sh", "-c", show],
                                            environment: submitter)
            #expect(submitted.stdout == "2\n", "\(submitted.stderr)")
            #expect(try await daemon.coroq("wait", "2").exitCode == 0)
            #expect(try await stdout(of: 2, daemon) == "secret=the submitter's own passed= mode=slow mine=mine id=2\n")

            let refused = try await daemon.coroq("submit", "--env", "MODE=x", "sleep", "1")
            #expect(refused.exitCode != 0 && refused.stderr.contains("for one exec task"))
        }
    }

    /// An `--on-done` command gets what an exec task gets, not the daemon's environment: the configured
    /// variables, the socket and the daemon's `coroq` (it asks for the task's result), plus the task's own
    /// three. The FIFO it writes to is the event the test awaits.
    @Test func theOnDoneCommandSeesTheSameExplicitEnvironment() async throws {
        let config = directory.file("coroqd.toml")
        try "exec_pass_env = [\"COROQ_E2E_PASSED\"]\n".write(toFile: config, atomically: true, encoding: .utf8)
        let fifo = directory.file("done.fifo")
        let output = directory.file("on-done.txt")
        #expect(mkfifo(fifo, 0o600) == 0)
        let daemonEnvironment = ["COROQ_E2E_SECRET": "hunter2", "COROQ_E2E_PASSED": "configured"]
        try await withDaemon(directory, arguments: ["--config", config], environment: daemonEnvironment) { daemon in
            let command = #"{ echo "secret=$COROQ_E2E_SECRET passed=$COROQ_E2E_PASSED id=$COROQ_TASK_ID state=$COROQ_TASK_STATE result=$COROQ_TASK_RESULT"; "#
                + #"coroq result "$COROQ_TASK_ID"; } > "# + output + "; echo fired > " + fifo
            let submitted = try await daemon.coroq("submit", "noop", "--args", #"{"x":1}"#, "--on-done", command)
            #expect(submitted.stdout == "1\n", "\(submitted.stderr)")
            let signal = try await Subprocess.run(.path("/bin/cat"), arguments: [fifo], output: .string(limit: 64))
            #expect(signal.standardOutput == "fired\n")
            let seen = try String(contentsOfFile: output, encoding: .utf8)
            let first = "secret= passed=configured id=1 state=succeeded result={\"x\":1}\n"
            #expect(seen.hasPrefix(first), "\(seen)")
            let printed = try? JSONSerialization.jsonObject(with: Data(seen.dropFirst(first.count).utf8)) as? [String: Int]
            #expect(printed == ["x": 1], "coroq result in the callback: \(seen)")
        }
    }

    private func stdout(of id: Int, _ daemon: RunningDaemon) async throws -> String? {
        let result = try await daemon.coroq("result", "\(id)")
        let value = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return value?["stdout"] as? String
    }

    /// `coroq ARGUMENTS` with exactly `environment` (and the socket).
    private func coroq(_ arguments: [String], environment: [String: String]) async throws -> CLIResult {
        var variables = environment
        variables["COROQ_SOCKET"] = directory.socket
        let custom = Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(rawValue: $0.key)!, $0.value) })
        return try await withDeadline(.seconds(40)) {
            let result = try await Subprocess.run(
                .path(Binaries.coroq), arguments: Arguments(arguments), environment: .custom(custom),
                input: .none, output: .string(limit: 1 << 20), error: .string(limit: 1 << 20))
            return CLIResult(status: result.terminationStatus, stdout: result.standardOutput,
                             stderr: result.standardError)
        }
    }
}
