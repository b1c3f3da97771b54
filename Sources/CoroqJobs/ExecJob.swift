import CoroqCore
import CoroqJSON
import Foundation
import Subprocess
import SystemPackage

/// `exec`: runs a command as a subprocess, its output read asynchronously.
///
/// The child gets its own session (process group), so cancelling the task signals every process it
/// started: SIGTERM, then SIGKILL after `terminationGrace`. The whole output goes to
/// `<logDirectory>/<task id>.log`; the result keeps the last `tailBytes` of stdout and of stderr.
/// A non-zero exit fails the task with code `exit_status` and the same details. The command gets
/// `COROQ_TASK_ID` and `COROQ_ATTEMPT` in its environment, and `COROQ_SOCKET` (the daemon's socket, so
/// that `coroq step` and the other task-scoped commands in a script reach this daemon).
public struct ExecJob: JobDefinition {
    public struct Arguments: Codable, Sendable {
        /// The command and its arguments; the first is looked up in PATH unless it contains a `/`.
        public var argv: [String]
        /// Working directory (the submitter's, when submitted from the CLI).
        public var cwd: String?

        public init(argv: [String], cwd: String? = nil) {
            self.argv = argv
            self.cwd = cwd
        }
    }

    /// What a finished command left behind.
    public struct Output: Codable, Sendable {
        public var exitStatus: Int32?
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        public var outputTruncated: Bool
        public var log: String

        enum CodingKeys: String, CodingKey {
            case exitStatus = "exit_status", signal, stdout, stderr
            case outputTruncated = "output_truncated", log
        }
    }

    public let summary = "Runs a command; its exit status decides success, its output goes to the task log"
    public let name = "exec"
    let logDirectory: String
    let tailBytes: Int
    let terminationGrace: Duration
    let outputHub: OutputHub?
    let controlSocket: String?

    public init(
        logDirectory: String, tailBytes: Int = 4096, terminationGrace: Duration = .seconds(2), outputHub: OutputHub? = nil,
        controlSocket: String? = nil
    ) {
        self.controlSocket = controlSocket
        self.logDirectory = logDirectory
        self.outputHub = outputHub
        self.tailBytes = tailBytes
        self.terminationGrace = terminationGrace
    }

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard let command = arguments.argv.first, !command.isEmpty else {
            throw InvalidArguments("'argv' needs at least the command to run")
        }
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> Output {
        let log = try await TaskOutputLog.open(
            path: "\(logDirectory)/\(context.taskID).log", tailCapacity: tailBytes, task: context.taskID, hub: outputHub)
        let spawned: Result<TerminationStatus, any Error>
        do {
            spawned = .success(try await spawn(arguments, into: log, context: context))
        } catch {
            spawned = .failure(error)
        }
        await log.close()
        let status: TerminationStatus
        do {
            status = try spawned.get()
        } catch let error as SubprocessError {
            throw TaskError(code: "spawn_failed", message: "could not start '\(arguments.argv[0])': \(error)")
        }
        let output = await Output(status: status, log: log)
        guard output.exitStatus == 0 else {
            throw TaskError(code: "exit_status", message: output.summary, details: try JSONValue(encoding: output))
        }
        return output
    }

    private func spawn(
        _ arguments: Arguments, into log: TaskOutputLog, context: JobContext
    ) async throws -> TerminationStatus {
        let command = arguments.argv[0]
        var options = PlatformOptions()
        options.createSession = true
        // Never `userID`/`groupID`/`supplementaryGroups` here: swift-subprocess applies them in a child cloned
        // from this multithreaded daemon, where glibc's setgroups/setuid can wait for ever on a thread that
        // was being created at the clone. Running as another user goes through a program (`setpriv`) instead.
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: terminationGrace)]
        let result = try await Subprocess.run(
            command.contains("/") ? .path(FilePath(command)) : .name(command),
            arguments: Subprocess.Arguments(Array(arguments.argv.dropFirst())),
            environment: .inherit.updating([
                "COROQ_TASK_ID": "\(context.taskID)", "COROQ_ATTEMPT": "\(context.attempt)",
                "COROQ_SOCKET": controlSocket,
            ]),
            workingDirectory: arguments.cwd.map { FilePath($0) },
            platformOptions: options,
            input: .none, output: .sequence, error: .sequence
        ) { execution in
            // Recorded so that, after a crash of the daemon, start-up can kill this group if it outlived it.
            let pid = execution.processIdentifier.value
            if let mark = ProcessMark.of(pid) {
                _ = try? await context.remember(ProcessMark.key(attempt: context.attempt)) { mark }
            }
            context.logger.debug("spawned", metadata: ["pid": "\(pid)", "command": "\(command)"])
            async let stdout: Void = Self.pump(execution.standardOutput, into: log, as: .stdout)
            async let stderr: Void = Self.pump(execution.standardError, into: log, as: .stderr)
            _ = try await (stdout, stderr)
        }
        return result.terminationStatus
    }

    private static func pump(
        _ sequence: SubprocessOutputSequence, into log: TaskOutputLog, as stream: TaskOutputLog.Stream
    ) async throws {
        for try await buffer in sequence {
            await log.append(buffer.withUnsafeBytes { Array($0) }, from: stream)
        }
    }
}

extension ExecJob.Output {
    init(status: TerminationStatus, log: TaskOutputLog) async {
        switch status {
        case .exited(let code): (exitStatus, signal) = (code, nil)
        case .signaled(let number): (exitStatus, signal) = (nil, number)
        }
        let (stdoutTail, stderrTail) = await (log.stdoutTail, log.stderrTail)
        stdout = stdoutTail.text
        stderr = stderrTail.text
        outputTruncated = stdoutTail.truncated || stderrTail.truncated
        self.log = log.path
    }

    /// One line for people: how the command ended.
    var summary: String {
        if let exitStatus { return "exited with status \(exitStatus)" }
        return "killed by signal \(signal ?? 0)"
    }
}
