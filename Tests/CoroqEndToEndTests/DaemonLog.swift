/// The daemon's stderr, line by line, with waiters for a line to appear: tests synchronise on what the
/// daemon says it did, not on sleeps.
///
/// A wait ends when its line comes, when the daemon's stderr ends, when `limit` passes or when the test is
/// cancelled (its time limit): a test that goes wrong fails with the log, it never hangs the run.
actor DaemonLog {
    private struct Waiter {
        let id: Int
        let match: @Sendable (String) -> Bool
        let continuation: CheckedContinuation<String, any Error>
    }

    private var lines: [String] = []
    private var waiters: [Waiter] = []
    private var nextWaiterID = 0
    private var ended = false

    var text: String { lines.joined(separator: "\n") }

    func append(_ line: String) {
        lines.append(line)
        var remaining: [Waiter] = []
        for waiter in waiters {
            if waiter.match(line) { waiter.continuation.resume(returning: line) } else { remaining.append(waiter) }
        }
        waiters = remaining
    }

    func end() {
        ended = true
        for waiter in waiters { waiter.continuation.resume(throwing: DaemonExited(log: text)) }
        waiters = []
    }

    /// The first line (already logged or still to come, within `limit`) that contains every one of `fragments`.
    func line(containing fragments: String..., within limit: Duration = .seconds(40)) async throws -> String {
        let match: @Sendable (String) -> Bool = { line in fragments.allSatisfy(line.contains) }
        if let line = lines.first(where: match) { return line }
        if ended { throw DaemonExited(log: text) }
        let id = nextWaiterID
        nextWaiterID += 1
        let timeout = Task { [weak self] in
            try await Task.sleep(for: limit)
            await self?.fail(id, LogLineMissing(fragments: fragments, limit: limit, log: await self?.text ?? ""))
        }
        defer { timeout.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append(Waiter(id: id, match: match, continuation: continuation))
                }
            }
        } onCancel: {
            Task { await self.fail(id, CancellationError()) }
        }
    }

    private func fail(_ id: Int, _ error: any Error) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }
}

struct DaemonExited: Error, CustomStringConvertible {
    let log: String
    var description: String { "coroqd exited before logging what the test waited for; its log:\n\(log)" }
}

struct LogLineMissing: Error, CustomStringConvertible {
    let fragments: [String]
    let limit: Duration
    let log: String
    var description: String {
        "coroqd logged no line with \(fragments) within \(limit); its log ends:\n\(log.suffix(3000))"
    }
}
