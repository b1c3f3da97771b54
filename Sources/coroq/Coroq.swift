import ArgumentParser
import CoroqClient
import CoroqProtocol

struct Coroq: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coroq",
        abstract: "Submit, wait for and inspect tasks run by the coroq daemon (coroqd).",
        discussion: """
            The daemon's socket is --socket, else $COROQ_SOCKET, else $XDG_RUNTIME_DIR/coroq/coroqd.sock, else \
            /tmp/coroq-UID/coroqd.sock; when no such socket exists but the system daemon's \
            /run/coroq/coroqd.sock does, that one.

            EXIT CODES
              0   success (for wait: every task succeeded)
              1   the daemon refused the request (unknown job, bad arguments,
                  no such task, a wrong state)
              2   a task waited for (or asked for with `result`) failed or was
                  cancelled
              3   wait --timeout passed with tasks still pending; receive
                  --timeout passed with nothing sent; `result` of an unfinished
                  task or future
              64  usage error
              69  coroqd is not running, or stopped while answering
            """,
        version: coroqVersion,
        subcommands: [
            SubmitCommand.self, WaitCommand.self, StatusCommand.self, ResultCommand.self, ShowCommand.self,
            CancelCommand.self, RetryCommand.self, CleanCommand.self, BackupCommand.self, LogsCommand.self, JobsCommand.self,
            StepCommand.self, SpawnCommand.self, SendCommand.self, ReceiveCommand.self, ProgressCommand.self,
            FutureCommand.self, ScheduleCommand.self, QueueCommand.self, VersionCommand.self, DashboardCommand.self,
        ])
}

/// What `AsyncParsableCommand.main()` does, but with the command run on the calling thread made an event loop
/// (`CallingThreadLoop`) instead of in an async `main`: an async `main` starts Dispatch's worker threads,
/// its client connection NIO's, and it ends by unwinding the main thread out of `dispatch_main`. One thread
/// doing everything is most of what makes `coroq submit` fast.
@main
enum CoroqMain {
    /// Not on the main actor: nothing here may wait for the main queue, which no one drains.
    nonisolated static func main() {
        if let submission = Submission.plain(Array(CommandLine.arguments.dropFirst())) {
            run { try await submission.run() }
        }
        do {
            let command = try Coroq.parseAsRoot()
            guard let asyncCommand = command as? any AsyncParsableCommand else {
                var command = command
                try command.run()
                return
            }
            let box = CommandBox(asyncCommand)
            run { try await box.run() }
        } catch {
            Coroq.exit(withError: error)
        }
    }

    /// Runs `body` on the calling thread made an event loop, then exits as ArgumentParser does.
    private static func run(_ body: @escaping @Sendable () async throws -> Void) -> Never {
        CallingThreadLoop.run {
            do {
                try await body()
            } catch {
                Coroq.exit(withError: error)
            }
            Coroq.exit()
        }
    }

    /// The parsed command, run (`run` is `mutating`) by the loop's task: on the thread that parsed it.
    private final class CommandBox: @unchecked Sendable {
        private var command: any AsyncParsableCommand
        init(_ command: any AsyncParsableCommand) { self.command = command }
        func run() async throws { try await command.run() }
    }
}
