import CoroqCore
import CoroqJSON
import CoroqJobs
import CoroqStore
import Foundation
import Logging
import NIOPosix
import ServiceLifecycle
import Subprocess
import Synchronization
import SystemPackage

/// Runs tasks' `--on-done` shell commands after their futures complete.
///
/// The command runs as `/bin/sh -c COMMAND` in the explicit environment an `exec` task gets (not the daemon's
/// own: `CallbackEnvironment`) with `COROQ_TASK_ID`, `COROQ_TASK_STATE` and `COROQ_TASK_RESULT` (the result
/// JSON, or the error JSON when the task failed or was cancelled); its
/// output goes to `<logDirectory>/<id>.on-done.log`. At most `maximumRunning` run at once, each for at most
/// `timeout`; then its whole process group is signalled. The store marks the callback pending in the same
/// transaction as the outcome, so one that had not run when the daemon stopped runs after the restart.
final class CallbackRunner: Service {
    private let store: any TaskStore
    private let logDirectory: String
    private let logger: Logger
    private let maximumRunning: Int
    private let timeout: Duration
    private let environment: CallbackEnvironment
    private let queue: AsyncStream<TaskRecord>
    private let queueSink: AsyncStream<TaskRecord>.Continuation
    private let stopping = Atomic<Bool>(false)

    init(
        store: any TaskStore, logDirectory: String, logger: Logger, environment: CallbackEnvironment,
        maximumRunning: Int = 32, timeout: Duration = .seconds(300)
    ) {
        self.store = store
        self.environment = environment
        self.logDirectory = logDirectory
        self.logger = logger
        self.maximumRunning = maximumRunning
        self.timeout = timeout
        (queue, queueSink) = AsyncStream.makeStream(of: TaskRecord.self)
    }

    /// Schedules the task's callbacks (`on_done`, and `on_success` or `on_failure`), if it has any.
    func enqueue(_ record: TaskRecord) {
        guard record.hasCallback else { return }
        queueSink.yield(record)
    }

    func run() async {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var running = 0
                for await record in queue {
                    // On shutdown the queue is abandoned: callbacks not yet started stay pending in the
                    // store and run after the restart. Started ones finish.
                    if stopping.load(ordering: .acquiring) { break }
                    if running >= maximumRunning {
                        await group.next()
                        running -= 1
                    }
                    running += 1
                    group.addTask { await self.fire(record) }
                }
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .releasing)
            self.queueSink.finish()
        }
    }

    /// Runs the callbacks that fire for the task's outcome, one after the other (`on_done` first), each run
    /// recorded. Marked pending with no command that fires (an `on_failure` of a task that succeeded), it
    /// is marked done without running anything.
    private func fire(_ record: TaskRecord) async {
        let commands = record.firingCallbacks
        guard !commands.isEmpty else {
            try? await store.recordCallbackRun(CallbackRun(
                taskID: record.id, startedAt: Date(), finishedAt: Date(), succeeded: true, detail: "no callback for this outcome"))
            return
        }
        for command in commands { await fire(command, for: record) }
    }

    private func fire(_ command: String, for record: TaskRecord) async {
        var logger = self.logger
        logger[metadataKey: "task"] = "\(record.id)"
        let startedAt = Date()
        let detail: String?
        do {
            detail = try await runShell(command, for: record)
            if let detail {
                TaskMetrics.shared.callbackFailed()
                logger.warning("on-done command failed", metadata: ["detail": "\(detail)", "log": "\(logPath(record.id))"])
            }
        } catch {
            detail = "could not run: \(error)"
            TaskMetrics.shared.callbackFailed()
            logger.warning("on-done command could not run", metadata: ["error": "\(error)"])
        }
        do {
            try await store.recordCallbackRun(CallbackRun(
                taskID: record.id, startedAt: startedAt, finishedAt: Date(), succeeded: detail == nil, detail: detail))
        } catch {
            logger.error("could not record that on-done ran; it will run again", metadata: ["error": "\(error)"])
        }
    }

    /// Runs the command, its whole process group killed if it outlives `timeout`. Returns nil when it
    /// succeeded, else how it failed.
    private func runShell(_ command: String, for record: TaskRecord) async throws -> String? {
        // Opened and closed on NIO's thread pool, not the cooperative one; the child writes to it itself.
        let path = logPath(record.id)
        let log = try await NIOThreadPool.singleton.runIfActive {
            try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .append, .closeOnExec], permissions: [.ownerReadWrite])
        }
        do {
            let failure = try await runShell(command, for: record, output: log)
            try? await NIOThreadPool.singleton.runIfActive { try log.close() }
            return failure
        } catch {
            try? await NIOThreadPool.singleton.runIfActive { try log.close() }
            throw error
        }
    }

    private func runShell(_ command: String, for record: TaskRecord, output log: FileDescriptor) async throws -> String? {
        let payload = record.result ?? (try? JSONValue(encoding: record.error)) ?? .null
        let options = {
            var options = PlatformOptions()
            options.createSession = true
            options.teardownSequence = [.gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .seconds(2))]
            return options
        }()
        let variables = self.environment.variables(task: "\(record.id)", state: record.state.rawValue, result: payload.jsonText)
        let environment = Environment.custom(Dictionary(uniqueKeysWithValues: variables.compactMap { name, value in
            Environment.Key(rawValue: name).map { ($0, value) }
        }))
        let timeout = self.timeout
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                let result = try await Subprocess.run(
                    .path("/bin/sh"), arguments: ["-c", command], environment: environment,
                    platformOptions: options,
                    output: .fileDescriptor(log, closeAfterSpawningProcess: false),
                    error: .fileDescriptor(log, closeAfterSpawningProcess: false))
                switch result.terminationStatus {
                case .exited(0): return nil
                case .exited(let code): return "exited with status \(code)"
                case .signaled(let signal): return "killed by signal \(signal)"
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TaskError(code: "timeout", message: "the on-done command ran longer than \(timeout)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func logPath(_ id: TaskID) -> String {
        "\(logDirectory)/\(id).on-done.log"
    }
}
