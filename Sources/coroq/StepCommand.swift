import ArgumentParser
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct StepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "Run a command once for the task this script runs in: a checkpointed step.",
        discussion: """
            For scripts run by an `exec` task (which sets COROQ_TASK_ID and COROQ_SOCKET). The first time, \
            runs CMD and records its exit status in the daemon's database; when the script runs again (the \
            daemon was killed half-way and the task re-runs), a completed step does not run: a note goes to \
            stderr and `coroq step` exits with the recorded status. A command killed by a signal is not \
            recorded (it runs again next time).

              coroq step fetch -- curl -o data.csv https://example.com/data.csv
              coroq step load -- psql -f load.sql

            Exits with CMD's status (128+N when a signal N killed it). Outside a task (no COROQ_TASK_ID) \
            it is a usage error (64); a daemon that cannot be reached: 69, and CMD did not run.
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The step's name: unique within the task.")
    var name: String

    @Argument(parsing: .postTerminator, help: "-- then the command to run and its arguments.")
    var command: [String] = []

    /// The task this process runs in, from `COROQ_TASK_ID`.
    static func currentTask(using command: String = "step") throws(ValidationError) -> (id: Int64, attempt: Int?) {
        guard let variable = getenv("COROQ_TASK_ID") else {
            throw ValidationError("""
                coroq \(command) runs inside a coroq exec task (COROQ_TASK_ID is not set); \
                submit the script with `coroq submit exec -- sh SCRIPT`\(command == "step" ? ", or run the command itself" : "")
                """)
        }
        guard let id = Int64(String(cString: variable)) else {
            throw ValidationError("COROQ_TASK_ID is '\(String(cString: variable))', not a task id")
        }
        return (id, getenv("COROQ_ATTEMPT").flatMap { Int(String(cString: $0)) })
    }

    func validate() throws {
        guard !name.isEmpty else { throw ValidationError("a step needs a name") }
        guard !command.isEmpty else { throw ValidationError("no command: coroq step NAME -- CMD [ARG…]") }
        _ = try Self.currentTask()
    }

    func run() async throws {
        let task = try Self.currentTask()
        let done = try await options.withClient { client in
            try await client.call(.stepGet, StepParams(task: task.id, name: name), as: StepResult.self)
        }.step
        if let done {
            let status = done.exitStatus ?? 1
            Output.error("step '\(name)' already done by attempt \(done.attempt) (exit \(status)): skipped")
            if status != 0 { throw ExitCode(status) }
            return
        }
        let startedAt = Date()
        let ending: ChildProcess.Ending
        do {
            ending = try ChildProcess.run(command)
        } catch {
            Output.error("step '\(name)': cannot run '\(error.command)': \(error.reason) (not recorded)")
            throw ExitCode(127)
        }
        switch ending {
        case .signaled(let signal):
            Output.error("step '\(name)': the command was killed by signal \(signal) (not recorded: it runs again next time)")
            throw ExitCode(128 + signal)
        case .exited(let status):
            let params = StepRecordParams(
                task: task.id, name: name, attempt: task.attempt, exitStatus: status,
                startedAt: startedAt.timeIntervalSince1970, finishedAt: Date().timeIntervalSince1970)
            _ = try await options.withClient { client in
                try await client.call(.stepRecord, params, as: StepResult.self)
            }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
