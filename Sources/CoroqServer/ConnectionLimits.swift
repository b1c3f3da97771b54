/// What one connection may hold, and how many there may be (docs/ARCHITECTURE.md, "Limits").
public struct ConnectionLimits: Sendable {
    /// Longest request line accepted, in bytes (`max_frame_bytes`).
    public var maximumFrameLength: Int
    /// Most connections open at once (`max_connections`); one more is answered `too_many_connections` and
    /// closed. Lowered at start to half the descriptor limit, so that jobs, logs and the database keep theirs.
    public var maximumConnections: Int
    /// A connection with no request in progress and nothing read or written for this long is closed
    /// (`idle_timeout`; nil: never).
    public var idleTimeout: Duration?
    /// Requests read ahead of the one being answered: past this the connection is not read until it
    /// catches up (with what one read of the socket brings on top).
    public var queuedRequests: Int

    public init(
        maximumFrameLength: Int = 16 * 1024 * 1024, maximumConnections: Int = 1000,
        idleTimeout: Duration? = .seconds(600), queuedRequests: Int = 16
    ) {
        self.maximumFrameLength = maximumFrameLength
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.queuedRequests = queuedRequests
    }

    /// `maximumConnections`, at most half of `descriptorLimit` (when known).
    func connections(underDescriptorLimit descriptorLimit: Int) -> Int {
        guard descriptorLimit > 0 else { return maximumConnections }
        return max(1, min(maximumConnections, descriptorLimit / 2))
    }
}
