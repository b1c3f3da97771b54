import ArgumentParser
import CoroqProtocol

@main
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
              1   the daemon refused the request (unknown job, bad arguments, no such task, a wrong state)
              2   a task waited for (or asked for with `result`) failed or was cancelled
              3   wait --timeout passed with tasks still pending (or `result` of an unfinished task)
              64  usage error
              69  coroqd is not running, or stopped while answering
            """,
        version: coroqVersion,
        subcommands: [
            SubmitCommand.self, WaitCommand.self, StatusCommand.self, ResultCommand.self, ShowCommand.self,
            CancelCommand.self, RetryCommand.self, CleanCommand.self, BackupCommand.self, LogsCommand.self, VersionCommand.self,
        ])
}
