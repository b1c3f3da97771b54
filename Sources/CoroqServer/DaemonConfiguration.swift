import CoroqCore
import CoroqRuntime
import CoroqProtocol
import CoroqStore
import Foundation
import ServiceLifecycle

/// Everything the daemon needs to start, as one value. Only the `coroqd` executable reads flags and
/// environment to build it.
public struct DaemonConfiguration: Sendable {
    /// The control socket (mode 0600).
    public var socketPath: String
    /// The SQLite database file.
    public var databasePath: String
    /// Where per-task output logs go (`<logDirectory>/<task id>.log`).
    public var logDirectory: String
    /// Concurrency and shutdown drain.
    public var scheduler: SchedulerConfiguration
    /// Longest request line accepted, in bytes.
    public var maximumFrameLength: Int
    /// SQLite's `synchronous` level (what a commit survives).
    public var synchronous: SQLiteTaskStore.Synchronous
    /// How long a write waits for a lock held from outside (someone's `sqlite3` on the file) before it fails.
    public var busyTimeout: Duration
    /// Finished tasks are deleted, with their logs, this long after they finished.
    public var retention: Duration
    /// A listening socket passed by systemd (socket activation): adopted instead of binding `socketPath`.
    public var activatedSocket: Int32?
    /// systemd's `$NOTIFY_SOCKET` (`Type=notify`), nil when not started by systemd.
    public var notifySocket: String?
    /// Half of systemd's `WatchdogSec=`, when set: how often WATCHDOG=1 is sent.
    public var watchdogInterval: Duration?
    /// Re-reads the config file on SIGHUP (nil: SIGHUP is ignored), with the settings in force at start
    /// and the keys that flags set (they keep winning).
    public var reload: (read: @Sendable () throws -> DaemonSettings, running: DaemonSettings, fromFlags: Set<String>)?
    /// The log level that SIGHUP may change.
    public var logLevel: LogLevelControl?
    /// The socket file's mode when the daemon binds it (not under socket activation).
    public var socketMode: Int = 0o600
    /// The socket file's group (a name), when members of a group should use the CLI.
    public var socketGroup: String?
    /// Users and groups allowed on the socket beyond its owner (nil: whoever the file mode lets in).
    public var peerAccess: PeerAccess?
    /// Most connections open at once (lowered at start to half the descriptor limit).
    public var maximumConnections: Int = 1000
    /// A connection with no request in progress and no traffic for this long is closed (nil: never).
    public var idleTimeout: Duration? = .seconds(600)
    /// The largest task: its arguments as JSON text, in bytes.
    public var maximumTaskBytes: Int = 1 << 20
    /// Names of the daemon's environment variables passed on to `exec` tasks besides the few they always
    /// get (`exec_pass_env`; see `ExecJob`): the daemon's other variables are not passed on.
    public var execPassEnv: [String] = []
    /// coroqd.toml's `[schedules.*]`: applied at start (a bad one stops the start) and by each reload.
    public var schedules: [ScheduleSetting] = []
    /// coroqd.toml's `[jobs.*]`: command templates, applied at start and by each reload.
    public var jobs: [JobSetting] = []
    /// coroqd.toml's `[queues.*]`: applied at start (before anything is claimed) and by each reload.
    public var queues: [QueueSetting] = []
    /// More services run beside the daemon's own (the dashboard), made once its parts exist; they start
    /// last and stop first.
    public var extraServices: [@Sendable (DaemonView) async throws -> any Service] = []

    public init(
        socketPath: String, databasePath: String, logDirectory: String? = nil,
        scheduler: SchedulerConfiguration = SchedulerConfiguration(),
        maximumFrameLength: Int = 16 * 1024 * 1024, synchronous: SQLiteTaskStore.Synchronous = .normal,
        busyTimeout: Duration = .seconds(5), retention: Duration = .seconds(7 * 86400),
        activatedSocket: Int32? = nil, notifySocket: String? = nil, watchdogInterval: Duration? = nil
    ) {
        self.activatedSocket = activatedSocket
        self.notifySocket = notifySocket
        self.watchdogInterval = watchdogInterval
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
        self.retention = retention
        self.socketPath = socketPath
        self.databasePath = databasePath
        self.logDirectory = logDirectory
            ?? URL(fileURLWithPath: databasePath).deletingLastPathComponent().appendingPathComponent("logs").path
        self.scheduler = scheduler
        self.maximumFrameLength = maximumFrameLength
    }

    /// The per-user defaults: the socket under `$XDG_RUNTIME_DIR` (see `SocketLocation`), the database at
    /// `$XDG_STATE_HOME/coroq/coroq.db` or `~/.local/state/coroq/coroq.db`.
    public static func defaultDatabasePath(environment: [String: String]) -> String {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return "\(state)/coroq/coroq.db" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return "\(home)/.local/state/coroq/coroq.db"
    }
}
