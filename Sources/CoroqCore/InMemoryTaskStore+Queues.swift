import Foundation

extension InMemoryTaskStore {
    public func claim(from rooms: [QueueRoom], at now: Date) throws -> [TaskRecord] {
        var claimed: [TaskRecord] = []
        for room in rooms where room.limit > 0 {
            claimed += try claim(limit: room.limit, at: now, where: { $0.queue == room.queue })
        }
        return claimed.sorted { $0.id < $1.id }
    }

    public func recentTaskIDs(limit: Int, filter: TaskFilter) throws -> [TaskID] {
        recentTasks(limit: Int.max).filter(filter.matches).prefix(limit).map(\.id)
    }
}
