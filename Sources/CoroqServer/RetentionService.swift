import CoroqCore
import CoroqJSON
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Deletes finished tasks (and their logs) once they are older than the retention, at start-up and then
/// every tenth of the retention (at most hourly, at least every minute). A timer, not a poll of the queue.
struct RetentionService: Service {
    /// The retention in force, in seconds; SIGHUP may change it.
    final class Setting: Sendable {
        private let value: Mutex<Double>
        init(_ seconds: Double) { value = Mutex(seconds) }
        var seconds: Double {
            get { value.withLock { $0 } }
            set { value.withLock { $0 = newValue } }
        }
    }

    let maintenance: MaintenanceHandler
    let retention: Setting
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seconds = retention.seconds
                let interval = Duration.seconds(min(3600, max(60, seconds / 10)))
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
