import GRDB

extension SQLiteTaskStore {
    /// Frees what SQLite holds beyond the data: the writer's page cache and prepared statements (prepared
    /// again on next use), and the idle reader connections (opened again on the next read). For a daemon
    /// gone idle (`IdleMemoryService`); a burst's page cache otherwise stays as large as the burst left it.
    public func releaseMemory() async throws {
        if let pool = writer as? DatabasePool {
            pool.releaseMemoryEventually()  // readers close once their current read ends
        }
        try await writer.writeWithoutTransaction { db in db.releaseMemory() }
    }
}
