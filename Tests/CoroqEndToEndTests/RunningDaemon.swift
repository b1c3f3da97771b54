import Foundation
import Subprocess
import SystemPackage

/// A `coroqd` started for a test, and the `coroq` CLI pointed at it.
struct RunningDaemon: Sendable {
    let directory: TestDirectory
    let pid: pid_t
    let log: DaemonLog

    /// Sends SIGKILL: a crash, with no chance to clean up.
    func kill9() {
        kill(pid, SIGKILL)
    }

    func coroq(_ arguments: String...) async throws -> CLIResult {
        try await coroq(arguments, stdin: "")
    }

    /// `coroq ARGUMENTS` with `stdin` as its standard input. A call that has not ended within `limit` is
    /// killed and fails with the daemon's log.
    func coroq(_ arguments: [String], stdin: String, within limit: Duration = .seconds(40)) async throws -> CLIResult {
        do {
            return try await withDeadline(limit) {
                try await runCoroq(arguments, socket: directory.socket, stdin: stdin)
            }
        } catch is DeadlinePassed {
            throw CLIDidNotEnd(arguments: arguments, limit: limit, log: await log.text)
        }
    }
}

struct CLIDidNotEnd: Error, CustomStringConvertible {
    let arguments: [String]
    let limit: Duration
    let log: String
    var description: String {
        "coroq \(arguments.joined(separator: " ")) did not end within \(limit); the daemon's log ends:\n\(log.suffix(3000))"
    }
}

struct DeadlinePassed: Error {}

struct DaemonDidNotStop: Error, CustomStringConvertible {
    let log: String
    var description: String { "coroqd did not stop within 30 s of SIGTERM and was killed; its log ends:\n\(log.suffix(3000))" }
}

/// `body`, cancelled (a subprocess it runs is killed) if it has not ended within `limit`.
func withDeadline<Result: Sendable>(_ limit: Duration, _ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
    try await withThrowingTaskGroup(of: Result?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let result = first else { throw DeadlinePassed() }
        return result
    }
}

struct CLIResult: Sendable {
    let status: TerminationStatus
    let stdout: String
    let stderr: String

    var exitCode: Int32? {
        if case .exited(let code) = status { return code }
        return nil
    }

    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

func runCoroq(_ arguments: [String], socket: String, stdin: String = "") async throws -> CLIResult {
    let result = try await Subprocess.run(
        .path(Binaries.coroq), arguments: Arguments(arguments),
        environment: .inherit.updating(["COROQ_SOCKET": socket]),
        input: .string(stdin), output: .string(limit: 1 << 24), error: .string(limit: 1 << 20))
    return CLIResult(
        status: result.terminationStatus, stdout: result.standardOutput, stderr: result.standardError)
}

/// How a daemon run ended.
struct DaemonExit {
    let status: TerminationStatus
    let log: String
}

/// Starts `coroqd` on `directory`, waits until it logs that it is ready, runs `body`, then stops it with
/// SIGTERM (unless `body` already killed it) and waits for it to exit.
@discardableResult
func withDaemon(
    _ directory: TestDirectory, arguments: [String] = [], environment: [String: String] = [:],
    launcher: [String] = [],
    _ body: (RunningDaemon) async throws -> Void
) async throws -> DaemonExit {
    let log = DaemonLog()
    // A launcher (`prlimit --nofile=64:64`) execs coroqd in its own process: the pid stays coroqd's.
    let command = launcher + [Binaries.coroqd.string]
    let result = try await Subprocess.run(
        .path(FilePath(command[0])),
        arguments: Arguments(Array(command.dropFirst()) + ["--socket", directory.socket, "--db", directory.database, "--log-level", "debug"] + arguments),
        environment: .inherit.updating(Dictionary(uniqueKeysWithValues: environment.map { (Environment.Key(rawValue: $0.key)!, $0.value) })),
        input: .none, output: .discarded, error: .sequence
    ) { execution in
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await line in execution.standardError.strings() { await log.append(line) }
                await log.end()
            }
            let daemon = RunningDaemon(directory: directory, pid: execution.processIdentifier.value, log: log)
            do {
                _ = try await log.line(containing: "ready")
                try await body(daemon)
            } catch {
                daemon.kill9()
                throw error
            }
            kill(daemon.pid, SIGTERM)
            // A daemon that does not stop within 30 s is killed, and the test fails with its log.
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                daemon.kill9()
                throw DaemonDidNotStop(log: await log.text)
            }
            try await group.next()  // the first to end: the log (the daemon exited) or the watchdog
            group.cancelAll()
        }
    }
    return DaemonExit(status: result.terminationStatus, log: await log.text)
}
