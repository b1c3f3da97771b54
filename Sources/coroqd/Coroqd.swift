import ArgumentParser
import CoroqCore
import CoroqJSON
import CoroqProtocol
import CoroqServer
import CoroqStore
import Foundation
import Logging

@main
struct Coroqd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coroqd",
        abstract: "The coroq daemon: keeps tasks in SQLite and runs them as coroutines.",
        discussion: """
            Runs in the foreground until SIGTERM or SIGINT, then stops taking work, lets running tasks \
            finish for --shutdown-grace seconds, puts the rest back in the queue, and exits 0.

            Under systemd: adopts a socket passed by socket activation (LISTEN_FDS) instead of binding \
            --socket, and reports READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 on $NOTIFY_SOCKET (Type=notify).
            """,
        version: coroqVersion)

    @Option(help: "Control socket. Default: $COROQ_SOCKET, else $XDG_RUNTIME_DIR/coroq/coroqd.sock, else /tmp/coroq-UID/coroqd.sock.")
    var socket: String?

    @Option(help: "SQLite database. Default: $XDG_STATE_HOME/coroq/coroq.db, else ~/.local/state/coroq/coroq.db.")
    var db: String?

    @Option(help: "Most tasks running at once.")
    var concurrency: Int = 100_000

    @Option(help: "Seconds running tasks may go on after SIGTERM before they are cancelled back into the queue.")
    var shutdownGrace: Double = 5

    @Option(help: "SQLite synchronous level: normal (a commit survives any crash of processes; a power cut may lose the last ones) or full (survives a power cut too; slower).")
    var synchronous: SQLiteTaskStore.Synchronous = .normal

    @Option(help: "Delete finished tasks and their logs this long after they finished (90s, 30m, 12h, 7d, 2w).")
    var retention: String = "7d"

    @Option(help: "Seconds a write waits for a database lock held by another program before it fails.")
    var busyTimeout: Double = 5

    @Option(help: "Longest request line accepted, in bytes.")
    var maxFrameBytes: Int = 16 * 1024 * 1024

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard Seconds.parse(retention) != nil else {
            throw ValidationError("--retention takes a duration such as 90s, 30m, 12h, 7d or 2w")
        }
        guard Seconds.isValid(busyTimeout) else { throw ValidationError("--busy-timeout must be 0 or more seconds") }
        guard maxFrameBytes >= 1024 else { throw ValidationError("--max-frame-bytes must be at least 1024") }
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be 1 or more") }
        guard Seconds.isValid(shutdownGrace) else {
            throw ValidationError("--shutdown-grace must be a number of seconds from 0 to \(Int(Seconds.maximum))")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let systemd = SystemdEnvironment.take()
        // Under systemd, stderr goes to the journal: priority prefixes instead of timestamps.
        let journal = environment["JOURNAL_STREAM"]?.isEmpty == false
        var logger = Logger(label: "coroqd") { label -> any LogHandler in
            journal ? JournalLogHandler(label: label) : StreamLogHandler.standardError(label: label)
        }
        logger.logLevel = logLevel
        let configuration = DaemonConfiguration(
            socketPath: SocketLocation.resolve(explicit: socket, environment: environment),
            databasePath: db ?? DaemonConfiguration.defaultDatabasePath(environment: environment),
            scheduler: Scheduler.Configuration(
                concurrencyLimit: concurrency, shutdownGrace: Seconds.duration(shutdownGrace)),
            maximumFrameLength: maxFrameBytes, synchronous: synchronous, busyTimeout: Seconds.duration(busyTimeout),
            retention: Seconds.duration(Seconds.parse(retention) ?? 0),
            activatedSocket: systemd.activatedSocket, notifySocket: systemd.notifySocket,
            watchdogInterval: systemd.watchdogInterval)
        do {
            try await Daemon(configuration: configuration, logger: logger).run()
        } catch {
            FileHandle.standardError.write(Data("coroqd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension SQLiteTaskStore.Synchronous: ExpressibleByArgument {}
