/// How many tasks run at once, and how shutdown drains them.
public struct SchedulerConfiguration: Sendable, Equatable {
    /// Most attempts running at once. A sleeping task costs memory, not a thread.
    public var concurrencyLimit: Int
    /// Most tasks claimed in one store transaction.
    public var claimBatchSize: Int
    /// How long running attempts may go on after a shutdown begins before they are cancelled.
    public var shutdownGrace: Duration
    /// How long to wait before claiming again after the store failed.
    public var retryDelayAfterStoreError: Duration
    /// Most held attempts being recorded at once once their time has come. Their time often comes together
    /// (a hundred thousand sleeps submitted at once), and each then waits for its outcome's write: released
    /// all at once they would cost as much memory as the suspended tasks that holding them saved.
    public var releasedAtOnce: Int
    /// The queues known at start, with their settings (`.queuesChanged` replaces them).
    public var queues: [QueueDefinition]

    public init(
        concurrencyLimit: Int = 100_000, claimBatchSize: Int = 4096, shutdownGrace: Duration = .seconds(5),
        retryDelayAfterStoreError: Duration = .seconds(1), releasedAtOnce: Int = 1024,
        queues: [QueueDefinition] = []
    ) {
        self.queues = queues
        self.concurrencyLimit = max(1, concurrencyLimit)
        self.claimBatchSize = max(1, claimBatchSize)
        self.shutdownGrace = shutdownGrace
        self.retryDelayAfterStoreError = retryDelayAfterStoreError
        self.releasedAtOnce = max(1, releasedAtOnce)
    }
}
