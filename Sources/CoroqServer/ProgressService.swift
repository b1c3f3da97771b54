import CoroqCore
import Logging
import ServiceLifecycle

/// Writes the progress board's reports to the store: once reports are waiting, it lets more arrive for
/// `coalescing`, then writes the latest of each task in one transaction. At shutdown (after the scheduler
/// has drained) it writes what is left.
struct ProgressService: Service {
    let board: ProgressBoard
    let store: any ProgressStore
    var coalescing: Duration = .milliseconds(250)
    let logger: Logger

    func run() async {
        await withGracefulShutdownHandler {
            for await _ in board.unwrittenReports {
                do {
                    try await Task.sleep(for: coalescing)
                } catch {
                    // Cancelled: write what is there and end.
                }
                await write()
            }
            await write()
        } onGracefulShutdown: {
            board.close()
        }
    }

    private func write() async {
        let reports = board.takeUnwritten()
        guard !reports.isEmpty else { return }
        defer { board.written(reports.keys) }
        do {
            try await store.recordProgress(reports)
        } catch {
            // Progress is advice: a report lost to a failing store is replaced by the next one.
            logger.warning("could not store progress reports", metadata: ["tasks": "\(reports.count)", "error": "\(error)"])
        }
    }
}
