import CoroqCore
import CoroqRuntime
import Logging
import ServiceLifecycle

/// Tells systemd how the daemon is: READY=1 once it serves, STATUS= with running and queued counts,
/// WATCHDOG=1 while the scheduler's event loop answers, STOPPING=1 when shutdown begins. Last in the
/// service group, so it is the first to hear of a shutdown.
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let scheduler: Scheduler
    let store: any TaskStore
    /// Half of `WATCHDOG_USEC` when systemd set it; else how often STATUS is refreshed.
    let interval: Duration
    let watchdog: Bool
    let logger: Logger

    func run() async {
        notifier.notify("READY=1", "STATUS=\(await status())")
        await withGracefulShutdownHandler {
            while true {
                do {
                    // Ends at once when shutdown begins, not at the end of the interval.
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                } catch {
                    return
                }
                // The ping goes through the scheduler's own loop: a stuck loop stops the pings and
                // systemd restarts the daemon.
                guard await scheduler.ping() else { return }
                // The ping first, on its own: a slow database must not delay it into a watchdog restart.
                if watchdog { notifier.notify("WATCHDOG=1") }
                notifier.notify("STATUS=\(await status())")
            }
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1", "STATUS=stopping: no new tasks start; running ones drain")
        }
    }

    private func status() async -> String {
        let counts = (try? await store.countsByState()) ?? [:]
        return "serving: \(counts[.running] ?? 0) running, \(counts[.queued] ?? 0) queued"
    }
}
