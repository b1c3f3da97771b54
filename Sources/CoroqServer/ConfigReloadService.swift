import CoroqCore
import CoroqRuntime
import CoroqJSON
import Logging
import ServiceLifecycle
import UnixSignals

/// On SIGHUP, re-reads the config file and applies what can change while the daemon runs (concurrency,
/// retention, log level); says in the log what changed, and which other changes need a restart.
struct ConfigReloadService: Service {
    /// Made before the daemon says it is ready: from then on SIGHUP reloads, it never kills the daemon.
    let hangups: UnixSignalsSequence
    let reload: @Sendable () throws -> DaemonSettings
    /// The settings in force, as started.
    let running: DaemonSettings
    /// Keys given as flags: they keep winning over the file.
    let fromFlags: Set<String>
    let scheduler: Scheduler
    let schedules: ScheduleHandler
    /// Sets the config file's `[jobs.*]`.
    let applyJobs: @Sendable ([JobSetting]) throws -> Void
    let retention: RetentionService.Setting
    let logLevel: LogLevelControl?
    let logger: Logger
    /// Applies the file's `[queues.*]`.
    let queues: QueueHandler

    func run() async {
        var running = self.running
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                let file = try reload()
                running = apply(file, over: running)
                applyJobs(file.jobs ?? [], over: &running)
                await applySchedules(file.schedules ?? [], over: &running)
                await applyQueues(file.queues ?? [], over: &running)
            } catch {
                logger.error("SIGHUP: the config file was not applied; the running settings stay", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Sets the file's jobs when they changed; a job that cannot be used keeps all the old ones.
    private func applyJobs(_ settings: [JobSetting], over running: inout DaemonSettings) {
        guard settings != (running.jobs ?? []) else { return }
        do {
            try applyJobs(settings)
            running.jobs = settings
            logger.notice("SIGHUP: jobs applied", metadata: ["jobs": "\(settings.map(\.name).joined(separator: ","))"])
        } catch {
            logger.error("SIGHUP: the config file's jobs were not applied; the old jobs stay", metadata: ["error": "\(error)"])
        }
    }

    /// Sets the file's schedules when they changed; a schedule that cannot be used keeps all the old ones.
    private func applySchedules(_ settings: [ScheduleSetting], over running: inout DaemonSettings) async {
        guard settings != (running.schedules ?? []) else { return }
        do {
            try await schedules.applyConfig(settings)
            running.schedules = settings
            logger.notice("SIGHUP: schedules applied", metadata: ["schedules": "\(settings.map(\.name).joined(separator: ","))"])
        } catch {
            logger.error("SIGHUP: the config file's schedules were not applied; the old schedules stay", metadata: ["error": "\(error)"])
        }
    }

    /// Sets the file's queue tables that changed (a `queue set` or pause at run time lasts until its
    /// table changes); a bad queue table fails the whole read of the file (the old settings stay), and a
    /// store failure keeps the old queues.
    private func applyQueues(_ settings: [QueueSetting], over running: inout DaemonSettings) async {
        let changed = settings.filter { !(running.queues ?? []).contains($0) }
        guard settings != (running.queues ?? []) else { return }
        do {
            try await queues.applyConfig(changed)
            running.queues = settings
            logger.notice("SIGHUP: queues applied", metadata: ["queues": "\(changed.map(\.name).joined(separator: ","))"])
        } catch {
            logger.error("SIGHUP: the config file's queues were not applied; the old queues stay", metadata: ["error": "\(error)"])
        }
    }

    /// Applies the reloadable settings of `file` (a key left out means its default) and returns the
    /// settings now in force.
    private func apply(_ file: DaemonSettings, over running: DaemonSettings) -> DaemonSettings {
        var now = running
        var changed: [String] = []
        var file = file
        // A key left out of the file means its default, and so does a key neither the file nor a flag
        // set at start: compare the two with their defaults filled in, so that an unchanged file applies
        // nothing (it used to report "applied=concurrency=100000 retention=604800s log_level=info").
        var was = running
        file.concurrency = file.concurrency ?? SchedulerConfiguration().concurrencyLimit
        file.retention = file.retention ?? 7 * 86400
        file.logLevel = file.logLevel ?? "info"
        was.concurrency = was.concurrency ?? SchedulerConfiguration().concurrencyLimit
        was.retention = was.retention ?? 7 * 86400
        was.logLevel = was.logLevel ?? "info"
        if !fromFlags.contains("concurrency"), let limit = file.concurrency, limit != was.concurrency {
            scheduler.setConcurrencyLimit(limit)
            now.concurrency = limit
            changed.append("concurrency=\(limit)")
        }
        if !fromFlags.contains("retention"), let seconds = file.retention, seconds != was.retention {
            retention.seconds = seconds
            now.retention = seconds
            changed.append("retention=\(Int(seconds))s")
        }
        if !fromFlags.contains("log_level"), let name = file.logLevel, name != was.logLevel,
           let level = Logger.Level(rawValue: name) {
            logLevel?.current = level
            now.logLevel = name
            changed.append("log_level=\(name)")
        }
        // Keys set by flags keep their values; the other changed keys take effect only at a restart.
        let needRestart = file.keysDiffering(from: was)
            .filter { !DaemonSettings.reloadable.contains($0) && !fromFlags.contains($0) }
        logger.notice("SIGHUP: config re-read", metadata: [
            "applied": "\(changed.isEmpty ? "nothing changed" : changed.joined(separator: " "))",
            "needs_restart": "\(needRestart.isEmpty ? "none" : needRestart.joined(separator: ","))",
        ])
        return now
    }
}
