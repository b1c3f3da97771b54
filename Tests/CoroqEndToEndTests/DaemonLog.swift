/// The daemon's stderr, line by line, with waiters for a line to appear: tests synchronise on what the
/// daemon says it did, not on sleeps.
actor DaemonLog {
    private var lines: [String] = []
    private var waiters: [(match: @Sendable (String) -> Bool, continuation: CheckedContinuation<String, any Error>)] = []
    private var ended = false

    var text: String { lines.joined(separator: "\n") }

    func append(_ line: String) {
        lines.append(line)
        var remaining: [(match: @Sendable (String) -> Bool, continuation: CheckedContinuation<String, any Error>)] = []
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

    /// The first line (already logged or still to come) that contains every one of `fragments`.
    func line(containing fragments: String...) async throws -> String {
        let match: @Sendable (String) -> Bool = { line in fragments.allSatisfy(line.contains) }
        if let line = lines.first(where: match) { return line }
        if ended { throw DaemonExited(log: text) }
        return try await withCheckedThrowingContinuation { waiters.append((match, $0)) }
    }
}

struct DaemonExited: Error, CustomStringConvertible {
    let log: String
    var description: String { "coroqd exited before logging what the test waited for; its log:\n\(log)" }
}
