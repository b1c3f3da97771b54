import CoroqCore
import Synchronization

/// Live output of running `exec` tasks, for `coroq logs -f`: each chunk written to a task's log file is
/// also offered to whoever follows that task, with the file offset it was written at.
public final class OutputHub: Sendable {
    /// Bytes written to a task's log file at `offset`.
    public struct Chunk: Sendable {
        public let offset: Int64
        public let bytes: [UInt8]
    }

    private let followers = Mutex<(next: Int, byTask: [TaskID: [Int: AsyncStream<Chunk>.Continuation]])>((0, [:]))

    public init() {}

    /// Follows a task's output until `stop` is called with the returned token.
    public func follow(_ task: TaskID) -> (token: Int, chunks: AsyncStream<Chunk>) {
        let (stream, continuation) = AsyncStream.makeStream(of: Chunk.self, bufferingPolicy: .bufferingNewest(1024))
        let token = followers.withLock { state in
            defer { state.next += 1 }
            state.byTask[task, default: [:]][state.next] = continuation
            return state.next
        }
        return (token, stream)
    }

    public func stop(_ task: TaskID, token: Int) {
        let continuation = followers.withLock { state in
            defer { if state.byTask[task]?.isEmpty == true { state.byTask[task] = nil } }
            return state.byTask[task]?.removeValue(forKey: token)
        }
        continuation?.finish()
    }

    func publish(_ task: TaskID, offset: Int64, bytes: [UInt8]) {
        let continuations = followers.withLock { Array(($0.byTask[task] ?? [:]).values) }
        for continuation in continuations { continuation.yield(Chunk(offset: offset, bytes: bytes)) }
    }
}
