import DequeModule
import Foundation

/// The scheduler's per-queue accounting, in memory: each queue's settings, its attempts counted against
/// its concurrency limit, its recent starts (for its rate limit), and whether a claim may find tasks in it.
///
/// Attempts of the `default` queue are not tracked one by one: they are the counted attempts that are not
/// in another queue. So with only the default queue, a claim and an end cost what they cost without queues.
struct QueueBook: Sendable {
    /// Settings of the queues that have any; a queue absent here is unrestricted.
    private(set) var settings: [String: QueueSettings] = [:]
    /// Known queues (a claim in queue mode asks only these): `default` and every queue with settings.
    private(set) var known: [String] = [QueueName.defaultQueue]
    /// The queue of each attempt not in the default queue.
    private var queueOf: [TaskID: String] = [:]
    /// Counted attempts (not parked) per queue other than the default one.
    private var counted: [String: Int] = [:]
    /// The sum of `counted`.
    private var countedElsewhere = 0
    /// Start times within the window of each rate-limited queue, oldest first.
    private var starts: [String: Deque<Date>] = [:]
    /// Queues a claim may find tasks in (false once a claim from it came back short; true again at a wake).
    private var mayHaveMore: Set<String> = []
    /// Where the next claim starts among `known`: queues take turns being first.
    private var turn = 0

    /// True when some queue limits its starts: claims then go queue by queue (`rooms`).
    private(set) var restricted = false

    /// Replaces every queue's settings (a reload, `queue set`, a pause).
    mutating func set(_ queues: [QueueDefinition]) {
        settings = Dictionary(queues.filter { !$0.settings.isUnrestricted }.map { ($0.name, $0.settings) },
                              uniquingKeysWith: { _, last in last })
        known = Array(Set(queues.map(\.name) + [QueueName.defaultQueue])).sorted()
        restricted = !settings.isEmpty
        starts = starts.filter { settings[$0.key]?.rate != nil }
        mayHaveMore.formUnion(known)
    }

    /// A claim may find tasks in every queue again (a submit, a start, a rate window's end).
    mutating func wake() { mayHaveMore = Set(known) }

    /// True when a claim may find tasks in some queue.
    var anyMayHaveMore: Bool { !mayHaveMore.isEmpty }

    /// A claim found every queue empty.
    mutating func allEmpty() { mayHaveMore = [] }

    /// Claimed: counts the attempt in its queue, and its start against the queue's rate.
    mutating func started(_ record: TaskRecord, at now: Date) {
        if restricted, settings[record.queue]?.rate != nil { starts[record.queue, default: []].append(now) }
        guard record.queue != QueueName.defaultQueue else { return }
        queueOf[record.id] = record.queue
        counted[record.queue, default: 0] += 1
        countedElsewhere += 1
    }

    /// Its slot is free: parked (`counted` false after) or ended (`wasCounted` says if it still counted).
    mutating func ended(_ id: TaskID, wasCounted: Bool) {
        guard !queueOf.isEmpty, let queue = queueOf.removeValue(forKey: id) else { return }
        if wasCounted { uncount(queue) }
        if queueOf.isEmpty { queueOf = [:] }
    }

    mutating func parked(_ id: TaskID) {
        if !queueOf.isEmpty, let queue = queueOf[id] { uncount(queue) }
    }

    mutating func resumed(_ id: TaskID) {
        guard !queueOf.isEmpty, let queue = queueOf[id] else { return }
        counted[queue, default: 0] += 1
        countedElsewhere += 1
    }

    private mutating func uncount(_ queue: String) {
        counted[queue, default: 0] -= 1
        countedElsewhere -= 1
    }

    /// The queue of an attempt of this scheduler (`default` when not tracked).
    func queue(of id: TaskID) -> String { queueOf[id] ?? QueueName.defaultQueue }

    /// Counted attempts of `queue`, given how many count in all.
    func inUse(_ queue: String, total: Int) -> Int {
        queue == QueueName.defaultQueue ? total - countedElsewhere : counted[queue] ?? 0
    }

    /// How many more attempts of `queue` may start now, nil when it does not limit them.
    mutating func room(_ queue: String, total: Int, at now: Date) -> Int? {
        guard let setting = settings[queue] else { return nil }
        if setting.paused { return 0 }
        var room: Int?
        if let limit = setting.concurrency { room = max(0, limit - inUse(queue, total: total)) }
        if let rate = setting.rate {
            var window = starts[queue] ?? []
            while let first = window.first, first.addingTimeInterval(rate.interval) <= now { window.removeFirst() }
            starts[queue] = window
            room = min(room ?? .max, max(0, rate.count - window.count))
        }
        return room
    }

    /// When a rate-limited queue with tasks waiting, and nothing else holding it, gets room again.
    func rateReopens(_ queue: String, total: Int, at now: Date) -> Date? {
        guard let setting = settings[queue], !setting.paused, let rate = setting.rate,
              mayHaveMore.contains(queue), let window = starts[queue] else { return nil }
        if let limit = setting.concurrency, inUse(queue, total: total) >= limit { return nil }
        let live = window.filter { $0.addingTimeInterval(rate.interval) > now }
        guard live.count >= rate.count else { return nil }
        // Room comes back when the start that put the window at its count leaves it.
        return live[live.count - rate.count].addingTimeInterval(rate.interval)
    }

    /// The rooms of one claim of at most `budget` tasks: each queue a claim may find tasks in, with room,
    /// up to its room; unrestricted queues share what is left. Queues take turns being first.
    mutating func rooms(budget: Int, total: Int, at now: Date) -> [QueueRoom] {
        var rooms: [QueueRoom] = []
        var left = budget
        var unlimited: [String] = []
        // Queues with limits first (their rooms are small), by name; then the others share what is left,
        // taking turns being first so that none waits for another to run dry.
        for queue in known where mayHaveMore.contains(queue) {
            guard let room = self.room(queue, total: total, at: now) else {
                unlimited.append(queue)
                continue
            }
            let take = min(left, room)
            guard take > 0 else { continue }
            rooms.append(QueueRoom(queue: queue, limit: take))
            left -= take
        }
        guard !unlimited.isEmpty else { return rooms }
        turn = (turn + 1) % unlimited.count
        for index in unlimited.indices where left > 0 {
            rooms.append(QueueRoom(queue: unlimited[(index + turn) % unlimited.count], limit: left))
            left = 0
        }
        return rooms
    }

    /// A claim from `rooms` brought `claimed`: a queue that gave fewer than asked is empty till the next wake.
    mutating func claimed(_ claimed: [TaskRecord], from rooms: [QueueRoom]) {
        var got: [String: Int] = [:]
        for record in claimed { got[record.queue, default: 0] += 1 }
        for room in rooms where (got[room.queue] ?? 0) < room.limit { mayHaveMore.remove(room.queue) }
    }
}

extension QueueBook {
    /// True when a parked attempt of `queue` may take a slot again: its queue is under its concurrency
    /// limit (a pause or a rate does not hold an attempt that started already).
    func mayResume(_ queue: String, total: Int) -> Bool {
        guard let limit = settings[queue]?.concurrency else { return true }
        return inUse(queue, total: total) < limit
    }

    /// The earliest time a rate-limited queue with tasks waiting gets room again.
    func nextRateReopening(total: Int, at now: Date) -> Date? {
        settings.keys.compactMap { rateReopens($0, total: total, at: now) }.min()
    }
}
