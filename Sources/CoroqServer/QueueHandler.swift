import CoroqCore
import CoroqProtocol
import CoroqRuntime
import Foundation
import Logging

/// `queue.*`: lists queues, creates them and changes their limits, pauses and resumes them. Every change
/// is stored first (a restart keeps it), then handed to the scheduler, which counts the limits in memory.
struct QueueHandler: Sendable {
    let store: any QueueStore
    let board: QueueBoard
    let scheduler: Scheduler
    let logger: Logger

    func list() async throws(RPCError) -> QueueListResult {
        do {
            let counts = try await store.queueCounts()
            return QueueListResult(queues: board.all.map { queue in
                QueueInfo(queue, counts: counts[queue.name] ?? [:])
            })
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    func set(_ params: QueueSetParams) async throws(RPCError) -> QueueInfo {
        try Self.checkName(params.name)
        var queue = board.all.first { $0.name == params.name } ?? QueueDefinition(name: params.name)
        switch params.concurrency {
        case .limit(let limit)?:
            guard limit >= 1 else {
                throw RPCError(.invalidQueue, "queue \(params.name): concurrency \(limit): expected a number from 1, or none (only the global limit)")
            }
            queue.settings.concurrency = limit
        case .none?: queue.settings.concurrency = nil
        case nil: break
        }
        if let rate = params.rate { queue.settings.rate = try Self.rate(rate, queue: params.name) }
        return try await save(queue, says: "queue set")
    }

    func setPaused(_ params: QueueNameParams, _ paused: Bool) async throws(RPCError) -> QueueInfo {
        guard board.knows(params.name) else { throw unknown(params.name) }
        var queue = board.all.first { $0.name == params.name } ?? QueueDefinition(name: params.name)
        queue.settings.paused = paused
        return try await save(queue, says: paused ? "queue paused" : "queue resumed")
    }

    /// Stores `queue`, then gives the scheduler the queues as stored.
    private func save(_ queue: QueueDefinition, says message: Logger.Message) async throws(RPCError) -> QueueInfo {
        do {
            try await store.saveQueue(queue)
            let all = try await store.queues()
            board.replace(with: all)
            scheduler.setQueues(all)
            logger.info(message, metadata: ["queue": "\(queue.name)", "settings": "\(QueueInfo(queue, counts: [:]).summary)"])
            let counts = try await store.queueCounts()[queue.name] ?? [:]
            return QueueInfo(all.first { $0.name == queue.name } ?? queue, counts: counts)
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    func unknown(_ name: String) -> RPCError {
        Self.unknown(name, known: board.all.map(\.name))
    }

    static func unknown(_ name: String, known: [String]) -> RPCError {
        RPCError(.unknownQueue,
            "no queue named '\(name)'; the queues are \(known.joined(separator: ", ")). Create it with coroq queue set \(name), or add [queues.\(name)] to coroqd.toml",
            data: ["queue": .string(name), "known_queues": .array(known.map { .string($0) })])
    }

    static func checkName(_ name: String) throws(RPCError) {
        guard QueueName.isValid(name) else {
            throw RPCError(.invalidQueue, "queue name '\(name)': \(QueueName.expected)", data: ["queue": .string(name)])
        }
    }

    /// A rate as given (`"10/1s"`, or `"none"` for no rate limit).
    static func rate(_ text: String, queue: String) throws(RPCError) -> QueueRate? {
        if text == "none" { return nil }
        guard let rate = QueueRate(parsing: text) else {
            throw RPCError(.invalidQueue, "queue \(queue): rate '\(text)': expected \(QueueRate.expected), or none")
        }
        return rate
    }
}

extension QueueHandler {
    /// Applies coroqd.toml's `[queues.*]` (at start, and by a reload): for each, the keys it sets replace
    /// the stored ones (a `queue set` or a pause at run time lasts until then); a queue left out of the file
    /// keeps its settings. Returns every queue as stored.
    static func applyConfig(_ settings: [QueueSetting], store: any QueueStore) async throws -> [QueueDefinition] {
        let stored = try await store.queues()
        for setting in settings {
            var queue = stored.first { $0.name == setting.name } ?? QueueDefinition(name: setting.name)
            if let concurrency = setting.concurrency { queue.settings.concurrency = concurrency }
            if let rate = setting.rate { queue.settings.rate = rate }
            if let paused = setting.paused { queue.settings.paused = paused }
            try await store.saveQueue(queue)
        }
        return try await store.queues()
    }

    /// A reload's `[queues.*]`, applied and handed to the scheduler.
    func applyConfig(_ settings: [QueueSetting]) async throws {
        let all = try await Self.applyConfig(settings, store: store)
        board.replace(with: all)
        scheduler.setQueues(all)
    }
}

extension QueueInfo {
    init(_ queue: QueueDefinition, counts: [TaskState: Int]) {
        self.init(
            name: queue.name, concurrency: queue.settings.concurrency,
            rate: queue.settings.rate.map { "\($0.count)/\(Self.intervalText($0.interval))" },
            paused: queue.settings.paused,
            counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }))
    }

    /// The interval as `QueueRate(parsing:)` reads it back: `1s`, `500ms`.
    static func intervalText(_ seconds: Double) -> String {
        seconds.rounded() == seconds ? "\(Int(seconds))s" : "\(Int((seconds * 1000).rounded()))ms"
    }

    /// For the log: `concurrency=2 rate=10/1s paused`.
    var summary: String {
        var parts = ["concurrency=\(concurrency.map(String.init) ?? "none")", "rate=\(rate ?? "none")"]
        if paused { parts.append("paused") }
        return parts.joined(separator: " ")
    }
}
