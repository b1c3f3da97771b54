import CoroqCore
import CoroqRuntime
import CoroqJSON
import CoroqJobs
import CoroqProtocol
import CoroqStore
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// The daemon as a library: what `coroqd` runs, and what a user's own daemon runs with its own jobs.
public struct Daemon: Sendable {
    public let configuration: DaemonConfiguration
    public var registry: JobRegistry
    private let logger: Logger
    private let outputHub = OutputHub()
    /// coroqd.toml's `[jobs.NAME]` command templates, replaced by a reload.
    private let configJobs = JobOverlay()
    /// What runs the config jobs' commands: `exec` as configured.
    private let templateExec: ExecJob

    /// A daemon with the built-in jobs; register more on `registry` before `run()`.
    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.registry = .builtins(
            logDirectory: configuration.logDirectory, outputHub: outputHub, execPassEnv: configuration.execPassEnv,
            controlSocket: configuration.socketPath)
        templateExec = ExecJob(
            logDirectory: configuration.logDirectory, outputHub: outputHub, passingEnvironment: configuration.execPassEnv,
            controlSocket: configuration.socketPath)
        registry.attach(configJobs)
        self.logger = logger
    }

    /// Sets the config file's jobs (at start, and by a reload); a bad one changes nothing.
    func applyConfigJobs(_ settings: [JobSetting]) throws(ConfigError) {
        try configJobs.apply(settings, besides: registry, exec: templateExec)
    }

    /// Task ids for a log line: all of them up to 20, else the first 20 and how many more.
    static func list(_ ids: [TaskID]) -> String {
        let shown = ids.prefix(20).map(\.description).joined(separator: ",")
        return ids.count > 20 ? "\(shown),… (\(ids.count - 20) more)" : shown
    }

    /// Opens the database, recovers, binds the socket and serves until SIGTERM or SIGINT (or until the
    /// calling task is cancelled), then drains. `onReady` is called once the socket accepts connections.
    /// Throws `DaemonStartupError` (or the database's error) when it cannot start.
    public func run(onReady: @Sendable () -> Void = {}) async throws {
        let openFiles = DescriptorLimit.raiseToHardLimit()
        do {
            try applyConfigJobs(configuration.jobs)
        } catch {
            throw DaemonStartupError("the config file's jobs: \(error)")
        }
        // Nothing is created or migrated before this daemon knows it may run: first the socket (another
        // daemon serving it refuses this one), then the database file's lock.
        if configuration.activatedSocket == nil {
            try SocketGuard.prepare(configuration.socketPath, group: configuration.socketGroup)
        }
        try FileManager.default.createDirectory(
            atPath: (configuration.databasePath as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let lock = try DaemonLock(databasePath: configuration.databasePath)
        try FileManager.default.createDirectory(
            atPath: configuration.logDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let store = try openStore()
        let recovery = try await store.startBoot(at: Date())
        if !recovery.requeued.isEmpty {
            logger.notice("tasks cut off by the previous daemon are back in the queue",
                          metadata: ["tasks": "\(Self.list(recovery.requeued))", "count": "\(recovery.requeued.count)"])
        }
        if !recovery.cancelled.isEmpty {
            logger.notice("tasks whose cancel was accepted before the previous daemon stopped are recorded cancelled",
                          metadata: ["tasks": "\(Self.list(recovery.cancelled))", "count": "\(recovery.cancelled.count)"])
        }
        // A task cancelled here had its processes cut off with the daemon: they are ended like a requeued one's.
        await registry.cleanUpAfterCrash(
            requeued: try await store.tasks(recovery.requeued + recovery.cancelled), checkpoints: store, logger: logger)
        await ExecJob.prepareSubprocesses(logger: logger)
        if !recovery.interrupted.isEmpty {
            logger.warning("tasks cut off by the previous daemon must not run twice: coroq retry ID or coroq cancel ID",
                           metadata: ["tasks": "\(Self.list(recovery.interrupted))", "count": "\(recovery.interrupted.count)"])
        }
        var limits = ConnectionLimits(
            maximumFrameLength: configuration.maximumFrameLength, maximumConnections: configuration.maximumConnections,
            idleTimeout: configuration.idleTimeout)
        limits.maximumConnections = limits.connections(underDescriptorLimit: openFiles)
        if limits.maximumConnections < configuration.maximumConnections {
            logger.notice("max_connections lowered to half the descriptor limit, so that jobs and the database keep descriptors",
                          metadata: ["max_connections": "\(limits.maximumConnections)", "max_open_files": "\(openFiles)"])
        }
        let connections = ConnectionTable(limit: limits.maximumConnections, logger: logger)
        let listener: ControlServer.Listener
        if let activated = configuration.activatedSocket {
            // systemd owns the socket file (and its mode and group): adopt it, never remove it.
            listener = try await ControlServer.adopt(activated, limits: limits, connections: connections, logger: logger)
        } else {
            listener = try await ControlServer.bind(
                path: configuration.socketPath, mode: configuration.socketMode, group: configuration.socketGroup,
                limits: limits, connections: connections, logger: logger)
        }
        defer { if configuration.activatedSocket == nil { unlink(configuration.socketPath) } }

        let services = try await makeServices(store: store, listener: listener, connections: connections)
        logger.notice("coroqd \(coroqVersion) ready", metadata: [
            "socket": "\(configuration.socketPath)", "db": "\(configuration.databasePath)",
            "max_open_files": "\(openFiles)", "max_connections": "\(limits.maximumConnections)",
        ])
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        // Past the scheduler's own drain and a subprocess's SIGTERM→SIGKILL, a hung part is cancelled.
        groupConfiguration.maximumGracefulShutdownDuration = configuration.scheduler.shutdownGrace + .seconds(10)
        let group = ServiceGroup(configuration: groupConfiguration)
        onReady()
        try await group.run()
        logger.notice("coroqd stopped")
        withExtendedLifetime(lock) {}
    }

    private func openStore() throws -> SQLiteTaskStore {
        do {
            return try SQLiteTaskStore.open(
                path: configuration.databasePath, synchronous: configuration.synchronous,
                busyTimeout: Seconds.of(configuration.busyTimeout))
        } catch let refusal as StartupRefusal {
            throw DaemonStartupError(
                "refusing to use \(configuration.databasePath): \(refusal.reason). The file was not changed; move it away or pass another --db")
        } catch {
            throw DaemonStartupError("cannot open the database \(configuration.databasePath): \(error)")
        }
    }

    /// In start order; shutdown runs in reverse: systemd hears STOPPING=1, the server stops taking work,
    /// the scheduler drains, then callbacks of the last finished tasks are fired.
    private func makeServices(
        store: SQLiteTaskStore, listener: ControlServer.Listener, connections: ConnectionTable
    ) async throws -> [any Service] {
        let waiters = WaiterRegistry()
        let idle = IdleMemoryService(store: store, logger: logger)  // memory back to the system once idle
        let callbacks = CallbackRunner(
            store: store, logDirectory: configuration.logDirectory, logger: logger,
            environment: CallbackEnvironment(alsoPassing: configuration.execPassEnv, controlSocket: configuration.socketPath))
        for record in try await store.pendingCallbacks() {
            callbacks.enqueue(record)
        }
        let messages = MessageBox(store: store, clock: SystemClock())
        let progressBoard = ProgressBoard()
        let progress = ProgressHandler(board: progressBoard, store: store)
        // The queues' settings, the file's applied, before the scheduler claims anything.
        let queueBoard: QueueBoard
        var schedulerConfiguration = configuration.scheduler
        do {
            let queues = try await QueueHandler.applyConfig(configuration.queues, store: store)
            queueBoard = QueueBoard(queues)
            schedulerConfiguration.queues = queues
        } catch {
            throw DaemonStartupError("the config file's queues: \(error)")
        }
        let scheduler = Scheduler(
            store: store, registry: registry, configuration: schedulerConfiguration, logger: logger,
            tasks: RegistryTaskWatcher(store: store, waiters: waiters), messages: messages, progress: progressBoard
        ) { record in
            progressBoard.finished(record.id)
            messages.finished(record.id)
            waiters.finished(record)
            TaskMetrics.shared.finished(record)
            callbacks.enqueue(record)
            idle.nudge()
        }
        let submit = SubmitHandler(
            store: store, registry: registry, scheduler: scheduler, maximumTaskBytes: configuration.maximumTaskBytes,
            queues: queueBoard)
        let queues = QueueHandler(store: store, board: queueBoard, scheduler: scheduler, logger: logger)
        let scheduleService = ScheduleService(
            store: store, makeTask: { object throws in try submit.newTask(try object.decode(as: TaskSpec.self)) },
            wake: { scheduler.wake() }, bootedAt: Date(), logger: logger, scheduled: { scheduler.scheduled(at: $0) })
        let schedules = ScheduleHandler(store: store, service: scheduleService, submit: submit, logger: logger)
        do {
            try await schedules.applyConfig(configuration.schedules)
        } catch {
            throw DaemonStartupError("the config file's schedules: \(error)")
        }
        let maintenance = MaintenanceHandler(store: store, logDirectory: configuration.logDirectory, logger: logger)
        let dispatcher = RequestDispatcher(
            submit: submit,
            wait: WaitHandler(store: store, waiters: waiters, progress: progressBoard, logger: logger),
            status: StatusHandler(store: store, startedAt: Date(), progress: progress),
            control: TaskControlHandler(
                store: store, registry: registry, scheduler: scheduler, children: ChildrenHandler(store: store, spawner: scheduler),
                progress: progress, schedules: store),
            logs: LogsHandler(store: store, waiters: waiters, hub: outputHub, logDirectory: configuration.logDirectory),
            maintenance: maintenance,
            steps: StepHandler(store: store, logger: logger),
            schedules: schedules,
            futures: FutureHandler(store: store, scheduler: scheduler, maximumValueBytes: configuration.maximumTaskBytes),
            children: ChildrenHandler(store: store, spawner: scheduler),
            messages: MessageHandler(
                box: messages, parking: scheduler, maximumBytes: configuration.maximumTaskBytes, logger: logger),
            progress: progress,
            registry: registry,
            queues: queues,
            maximumFrameLength: configuration.maximumFrameLength, logger: logger)
        let server = ControlServer(
            listener: listener, connections: connections, dispatcher: dispatcher, waiters: waiters,
            access: configuration.peerAccess, logger: logger)
        let retentionSetting = RetentionService.Setting(Seconds.of(configuration.retention))
        let retention = RetentionService(maintenance: maintenance, retention: retentionSetting, logger: logger)
        // Progress reports are written after the scheduler has drained (services stop in reverse order).
        let progressWriter = ProgressService(board: progressBoard, store: store, logger: logger)
        var services: [any Service] = [idle, callbacks, progressWriter, retention, scheduler, scheduleService, server]
        if !configuration.extraServices.isEmpty {
            let view = DaemonView(
                store: store, status: dispatcher.status, control: dispatcher.control, messages: dispatcher.messages,
                futures: dispatcher.futures, schedules: schedules, progress: progress, waiters: waiters, hub: outputHub,
                connections: connections, queues: queues, socketPath: configuration.socketPath, logDirectory: configuration.logDirectory,
                concurrencyLimit: configuration.scheduler.concurrencyLimit, startedAt: Date())
            for make in configuration.extraServices { services.append(try await make(view)) }
        }
        if let reload = configuration.reload {
            services.append(ConfigReloadService(
                hangups: await UnixSignalsSequence(trapping: .sighup), reload: reload.read, running: reload.running, fromFlags: reload.fromFlags, scheduler: scheduler,
                schedules: schedules, applyJobs: { settings throws in try applyConfigJobs(settings) }, retention: retentionSetting, logLevel: configuration.logLevel, logger: logger,
                queues: queues))
        }
        if configuration.notifySocket != nil {
            services.append(SystemdService(
                notifier: SystemdNotifier(socketPath: configuration.notifySocket), scheduler: scheduler, store: store,
                interval: configuration.watchdogInterval ?? .seconds(10), watchdog: configuration.watchdogInterval != nil,
                logger: logger))
        }
        return services
    }
}
