import CoroqCore
import CoroqJSON
import Foundation
import Logging
import ServiceLifecycle

/// Deletes finished tasks (and their logs) once they are older than the retention, at start-up and then
/// every tenth of the retention (at most hourly, at least every minute). A timer, not a poll of the queue.
struct RetentionService: Service {
    let maintenance: MaintenanceHandler
    let retention: Duration
    let logger: Logger

    func run() async {
        let seconds = Seconds.of(retention)
        let interval = Duration.seconds(min(3600, max(60, seconds / 10)))
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await maintenance.prune(
                        finishedBefore: Date() - seconds, states: Set(TaskState.allCases.filter(\.isFinal)))
                } catch {
                    logger.warning("could not prune finished tasks; trying again later", metadata: ["error": "\(error)"])
                }
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return
                }
            }
        }
    }
}
