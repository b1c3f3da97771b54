import ArgumentParser
import CoroqCore
import CoroqDashboard
import CoroqJSON
import CoroqProtocol
import CoroqServer
import CoroqStore
import Foundation
import Logging

/// `coroqd`'s command line: flags, config file, systemd, logging, then `Daemon.run()`. A library, so that a
/// user's own daemon is exactly this plus its jobs (`CoroqDaemonMain.main(registering:)`).
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coroqd",
        abstract: "The coroq daemon: keeps tasks in SQLite and runs them as coroutines.",
        discussion: """
            Runs in the foreground until SIGTERM or SIGINT, then stops taking work, lets running tasks \
            finish for the shutdown grace, puts the rest back in the queue, and exits 0.

            Settings come from flags, else the config file (--config; see config/coroqd.toml for every key \
            and its default), else the defaults. SIGHUP re-reads the file: concurrency, retention and \
            log_level change at once; the log says what else changed and needs a restart.

            Under systemd: adopts a socket passed by socket activation (LISTEN_FDS) instead of binding \
            --socket, and reports READY=1, STATUS=, WATCHDOG=1 and STOPPING=1 on $NOTIFY_SOCKET (Type=notify).
            """,
        version: coroqVersion)

    @Option(help: "Config file. Default: $XDG_CONFIG_HOME/coroq/coroqd.toml, else ~/.config/coroq/coroqd.toml; none there means defaults.")
    var config: String?

    @Flag(help: "Check the config file, say what is wrong (key, line, what was expected), and exit.")
    var checkConfig = false

    @Option(help: "Control socket. Default: $COROQ_SOCKET, else $XDG_RUNTIME_DIR/coroq/coroqd.sock, else /tmp/coroq-UID/coroqd.sock.")
    var socket: String?

    @Option(help: "SQLite database. Default: $XDG_STATE_HOME/coroq/coroq.db, else ~/.local/state/coroq/coroq.db.")
    var db: String?

    @Option(help: "Most tasks running at once (default 100000).")
    var concurrency: Int?

    @Option(help: "How long running tasks may go on after SIGTERM before they are cancelled back into the queue: 30s, 2m, 500ms or seconds (default 5s).", transform: Seconds.parsing)
    var shutdownGrace: Double?

    @Option(help: "SQLite synchronous level: normal (a commit survives any crash of processes; a power cut may lose the last ones; the default) or full (survives a power cut too).")
    var synchronous: SQLiteTaskStore.Synchronous?

    @Option(help: "Delete finished tasks and their logs this long after they finished: 90s, 30m, 12h, 7d, 2w (default 7d).", transform: Seconds.parsing)
    var retention: Double?

    @Option(help: "How long a write waits for a database lock held by another program before it fails: 5s, 500ms, 1m or seconds (default 5s).", transform: Seconds.parsing)
    var busyTimeout: Double?

    @Option(help: "Longest request line accepted, in bytes (default 16777216).")
    var maxFrameBytes: Int?

    @Option(help: "Most client connections open at once; more are refused (default 1000, at most half the descriptor limit).")
    var maxConnections: Int?

    @Option(help: "Close a connection with no request in progress and no traffic for this long: 90s, 10m, 1h; 0 never (default 10m).", transform: Seconds.parsing)
    var idleTimeout: Double?

    @Option(help: "Largest task accepted: its arguments as JSON text, in bytes (default 1048576).")
    var maxTaskBytes: Int?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: Logger.Level?

    @Option(help: ArgumentHelp(
        "Serve the dashboard (and /metrics) on HOST:PORT, e.g. 127.0.0.1:8765; a loopback address unless coroqd.toml's [http] has allow_remote = true. `coroq dashboard` prints its URL.",
        valueName: "host:port"))
    var http: String?

    func validate() throws {
        if let maxFrameBytes, maxFrameBytes < 1024 { throw ValidationError("--max-frame-bytes must be at least 1024") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be 1 or more") }
        if let maxConnections, maxConnections < 1 { throw ValidationError("--max-connections must be 1 or more") }
        if let maxTaskBytes, maxTaskBytes < 1024 { throw ValidationError("--max-task-bytes must be at least 1024") }
        if let http {
            do {
                _ = try HTTPSetting(listen: http, allowRemote: true)
            } catch {
                throw ValidationError("--http: \(error)")
            }
        }
    }

    func run() async throws {
        try await run(registering: { _ in })
    }

    /// Runs the daemon with the built-in jobs and those that `register` adds.
    func run(registering register: (inout JobRegistry) -> Void) async throws {
        let environment = ProcessInfo.processInfo.environment
        let configPath = config ?? ConfigFile.defaultPath(environment: environment)
        let file: DaemonSettings
        do {
            file = try ConfigFile.read(configPath)
        } catch {
            FileHandle.standardError.write(Data("coroqd: \(configPath): \(error)\n".utf8))
            throw ExitCode(1)
        }
        if checkConfig {
            do {
                // Names must resolve too, or the daemon would refuse to start with this file.
                if file.allowedUsers != nil || file.allowedGroups != nil {
                    _ = try PeerAccess(users: file.allowedUsers ?? [], groups: file.allowedGroups ?? [])
                }
                if let group = file.socketGroup, getgrnam(group) == nil {
                    throw DaemonStartupError("socket_group: no group named '\(group)'")
                }
            } catch {
                FileHandle.standardError.write(Data("coroqd: \(configPath): \(error)\n".utf8))
                throw ExitCode(1)
            }
            print(FileManager.default.fileExists(atPath: configPath) ? "\(configPath): ok" : "\(configPath): no such file; the defaults apply")
            return
        }
        let flags = flagSettings()
        let settings = flags.over(file)
        if let http = flags.http, !http.isLoopback, file.http?.allowRemote != true {
            FileHandle.standardError.write(Data("coroqd: --http \(http.authority): not a loopback address; set allow_remote = true under [http] in \(configPath) to listen there (and put TLS in front)\n".utf8))
            throw ExitCode(1)
        }
        let systemd = SystemdEnvironment.take()
        // Without TZ, glibc stats /etc/localtime on every local time it formats: once per log line (a
        // stat per finished task). Naming the file makes it read once; tasks' processes inherit the same
        // zone. (A change of the system's zone then applies at the next start.)
        setenv("TZ", ":/etc/localtime", 0)
        let levels = LogLevelControl(settings.logLevel.flatMap(Logger.Level.init(rawValue:)) ?? .info)
        // Under systemd, stderr goes to the journal: priority prefixes instead of timestamps.
        let journal = environment["JOURNAL_STREAM"]?.isEmpty == false
        let logger = Logger(label: "coroqd") { label -> any LogHandler in
            journal ? levels.handler(wrapping: JournalLogHandler(label: label))
                : levels.handler(wrapping: StreamLogHandler.standardError(label: label))
        }
        var configuration = DaemonConfiguration(
            socketPath: Self.absolute(SocketLocation.resolve(explicit: settings.socket, environment: environment)),
            databasePath: Self.absolute(settings.database ?? DaemonConfiguration.defaultDatabasePath(environment: environment)),
            scheduler: SchedulerConfiguration(
                concurrencyLimit: settings.concurrency ?? 100_000, shutdownGrace: Seconds.duration(settings.shutdownGrace ?? 5)),
            maximumFrameLength: settings.maxFrameBytes ?? 16 * 1024 * 1024, synchronous: settings.synchronous ?? .normal,
            busyTimeout: Seconds.duration(settings.busyTimeout ?? 5), retention: Seconds.duration(settings.retention ?? 7 * 86400),
            activatedSocket: systemd.activatedSocket, notifySocket: systemd.notifySocket,
            watchdogInterval: systemd.watchdogInterval)
        configuration.logLevel = levels
        configuration.socketMode = settings.socketMode ?? 0o600
        configuration.socketGroup = settings.socketGroup
        configuration.maximumConnections = settings.maxConnections ?? 1000
        let idle = settings.idleTimeout ?? 600
        configuration.idleTimeout = idle > 0 ? Seconds.duration(idle) : nil
        configuration.maximumTaskBytes = settings.maxTaskBytes ?? 1 << 20
        configuration.execPassEnv = settings.execPassEnv ?? []
        configuration.schedules = settings.schedules ?? []
        configuration.queues = settings.queues ?? []
        configuration.jobs = settings.jobs ?? []
        if settings.allowedUsers != nil || settings.allowedGroups != nil {
            do {
                configuration.peerAccess = try PeerAccess(users: settings.allowedUsers ?? [], groups: settings.allowedGroups ?? [])
            } catch {
                FileHandle.standardError.write(Data("coroqd: \(configPath): \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        configuration.reload = ({ try ConfigFile.read(configPath) }, settings, flags.keysSet)
        if settings.http != nil || settings.metrics != nil {
            Dashboard.bootstrapMetrics()
            configuration.extraServices += Dashboard.services(http: settings.http, metrics: settings.metrics, logger: logger)
        }
        var daemon = Daemon(configuration: configuration, logger: logger)
        register(&daemon.registry)
        do {
            try await daemon.run()
        } catch {
            FileHandle.standardError.write(Data("coroqd: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// `path` from the directory coroqd was started in, when relative (`--db ./coroq.db`): the daemon's
    /// files are found by their directories, which a bare file name has none of.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        return FileManager.default.currentDirectoryPath + "/" + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }

    /// The settings given as flags.
    private func flagSettings() -> DaemonSettings {
        var flags = DaemonSettings()
        flags.socket = socket
        flags.database = db
        flags.concurrency = concurrency
        flags.shutdownGrace = shutdownGrace
        flags.synchronous = synchronous
        flags.retention = retention
        flags.busyTimeout = busyTimeout
        flags.maxFrameBytes = maxFrameBytes
        flags.maxConnections = maxConnections
        flags.idleTimeout = idleTimeout
        flags.maxTaskBytes = maxTaskBytes
        flags.logLevel = logLevel?.rawValue
        // Checked in `validate`; remote only when the file allows it (else `run` refuses to start).
        flags.http = http.flatMap { try? HTTPSetting(listen: $0, allowRemote: true) }
        return flags
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension SQLiteTaskStore.Synchronous: ExpressibleByArgument {}
