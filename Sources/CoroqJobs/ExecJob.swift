import CoroqCore
import CoroqJSON
import Foundation
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// `exec`: runs a command as a subprocess, its output read asynchronously.
///
/// The child gets its own session (process group), so cancelling the task signals every process it
/// started: SIGTERM, then SIGKILL after `terminationGrace`. The whole output goes to
/// `<logDirectory>/<task id>.log`; the result keeps the last `tailBytes` of stdout and of stderr.
/// A non-zero exit fails the task with code `exit_status` and the same details. The command's environment
/// is `ExecEnvironment`'s: a few of the daemon's variables, the task's own, and `COROQ_TASK_ID` and
/// `COROQ_ATTEMPT`, and `COROQ_SOCKET` (the daemon's socket, for `coroq step` in a script). When the command exits, whatever it left running in its process group is ended
/// (`LeftoverProcesses`) unless the task says `keep_children`. Output the log file could not take (a full
/// disk) is counted in the result (`output_lost_bytes`) and logged once per episode of a full disk.
public struct ExecJob: JobDefinition {
    public struct Arguments: Codable, Sendable {
        /// The command and its arguments; the first is looked up in PATH unless it contains a `/`.
        public var argv: [String]
        /// Working directory (the submitter's, when submitted from the CLI).
        public var cwd: String?
        /// Variables set for the command, over those it gets from the daemon (`--env KEY=VALUE`; all of the
        /// submitter's with `--inherit-env`).
        public var env: [String: String]?
        /// True: none of the daemon's variables, only `env` (and coroq's own); `--inherit-env` sets it.
        public var clearEnv: Bool?
        /// True: processes the command leaves running when it exits are let run (`--keep-children`).
        public var keepChildren: Bool?

        public init(
            argv: [String], cwd: String? = nil, env: [String: String]? = nil, clearEnv: Bool? = nil,
            keepChildren: Bool? = nil
        ) {
            self.argv = argv
            self.cwd = cwd
            self.env = env
            self.clearEnv = clearEnv
            self.keepChildren = keepChildren
        }

        enum CodingKeys: String, CodingKey {
            case argv, cwd, env, clearEnv = "clear_env", keepChildren = "keep_children"
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
        /// Bytes of output the log file could not take (a full disk), and why; nil when none was lost.
        public var outputLostBytes: Int?
        public var outputLostError: String?

        enum CodingKeys: String, CodingKey {
            case exitStatus = "exit_status", signal, stdout, stderr
            case outputTruncated = "output_truncated", log
            case outputLostBytes = "output_lost_bytes", outputLostError = "output_lost_error"
        }
    }

    public let summary = "Runs a command; its exit status decides success, its output goes to the task log"
    public let name = "exec"
    let logDirectory: String
    let tailBytes: Int
    let terminationGrace: Duration
    let outputHub: OutputHub?
    let environment: ExecEnvironment
    /// Shared by every run: output lost to a full disk is logged once per episode.
    let losses = OutputLossEpisodes()

    /// `passingEnvironment`: names of the daemon's variables passed on to every command besides
    /// `ExecEnvironment.passedOn` (the `exec_pass_env` setting).
    public init(
        logDirectory: String, tailBytes: Int = 4096, terminationGrace: Duration = .seconds(2), outputHub: OutputHub? = nil,
        passingEnvironment names: [String] = [], controlSocket: String? = nil
    ) {
        self.logDirectory = logDirectory
        self.outputHub = outputHub
        self.tailBytes = tailBytes
        self.terminationGrace = terminationGrace
        environment = ExecEnvironment(
            alsoPassing: names, controlSocket: controlSocket, cliDirectory: ExecEnvironment.daemonCLIDirectory())
    }

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard let command = arguments.argv.first, !command.isEmpty else {
            throw InvalidArguments("'argv' needs at least the command to run")
        }
        for name in (arguments.env ?? [:]).keys.sorted() {
            if let problem = ExecEnvironment.problem(withName: name) { throw InvalidArguments("'env': \(problem)") }
        }
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> Output {
        let command = arguments.argv[0]
        let log: TaskOutputLog
        do {
            log = try await TaskOutputLog.open(
                path: "\(logDirectory)/\(context.taskID).log", tailCapacity: tailBytes, task: context.taskID, hub: outputHub,
                losses: losses, logger: context.logger)
        } catch {
            throw Self.startFailure(error, command: command)
        }
        let spawned: Result<(TerminationStatus, group: Int32), any Error>
        do {
            spawned = .success(try await spawn(arguments, into: log, context: context))
        } catch {
            spawned = .failure(error)
        }
        await log.close()
        let status: TerminationStatus
        switch spawned {
        case .success(let (ended, group)):
            status = ended
            if arguments.keepChildren != true, await LeftoverProcesses.end(group: group, grace: terminationGrace) {
                context.logger.info("ended processes the command left running", metadata: ["process_group": "\(group)"])
            }
        case .failure(let error as CancellationError):
            throw error
        case .failure(let error):
            throw Self.startFailure(error, command: command)
        }
        let output = await Output(status: status, log: log)
        if let lost = output.outputLostBytes {
            // At debug: the daemon's log tells the episode once (`OutputLossEpisodes`), the result each task.
            context.logger.debug("output lost: the log file could not take all of it", metadata: [
                "bytes": "\(lost)", "reason": "\(output.outputLostError ?? "")", "log": "\(output.log)",
            ])
        }
        guard output.exitStatus == 0 else {
            throw TaskError(code: "exit_status", message: output.summary, details: try JSONValue(encoding: output))
        }
        return output
    }

    private func spawn(
        _ arguments: Arguments, into log: TaskOutputLog, context: JobContext
    ) async throws -> (TerminationStatus, group: Int32) {
        let command = arguments.argv[0]
        var options = PlatformOptions()
        options.createSession = true
        // Never `userID`/`groupID`/`supplementaryGroups` here: swift-subprocess applies them in a child cloned
        // from this multithreaded daemon, where glibc's setgroups/setuid can wait for ever on a thread that
        // was being created at the clone. Running as another user goes through a program (`setpriv`) instead.
        options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: terminationGrace)]
        try DescriptorReserve.check()
        let result = try await Subprocess.run(
            command.contains("/") ? .path(FilePath(command)) : .name(command),
            arguments: Subprocess.Arguments(Array(arguments.argv.dropFirst())),
            environment: .custom(Dictionary(uniqueKeysWithValues: environment.variables(for: arguments, context: context)
                .compactMap { name, value in Environment.Key(rawValue: name).map { ($0, value) } })),
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
            // The output ends when the command exits (or closes it). If it has exited, its zombie still
            // holds the group's id: signal what it left running now, before it is reaped.
            if arguments.keepChildren != true, LeftoverProcesses.leaderHasExited(pid) { kill(-pid, SIGTERM) }
            return pid
        }
        return (result.terminationStatus, result.closureResult)
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
        let (lost, reason) = await (log.lostBytes, log.lossReason)
        outputLostBytes = lost > 0 ? lost : nil
        outputLostError = lost > 0 ? reason : nil
    }

    /// One line for people: how the command ended.
    var summary: String {
        if let exitStatus { return "exited with status \(exitStatus)" }
        return "killed by signal \(signal ?? 0)"
    }
}
