import NIOCore
import NIOPosix

/// Runs async code on the calling thread, made a NIO event loop for the time it runs.
///
/// What a one-shot CLI call needs: its task, its connection and the connection's I/O all on one thread, so
/// the process starts no thread at all (no NIO event-loop threads, no Dispatch worker threads) and never hops
/// between threads. `ControlClient.withConnection` connects on this loop when it is called from it.
public enum CallingThreadLoop {
    /// Makes the calling thread an event loop and runs `body` as a task on it. `body` ends the process
    /// (`exit`): stopping a loop that runs on the calling thread goes through a Dispatch queue, that is
    /// through a thread the process would start only to stop.
    ///
    /// `body` is `@Sendable` so that it is not isolated to the main actor of a `main` that calls this: the
    /// main actor's queue is never drained while the calling thread runs the loop.
    public static func run(_ body: @escaping @Sendable () async -> Never) -> Never {
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            Task(executorPreference: EventLoopTaskExecutor(loop)) { () async -> Void in
                await body()
            }
        }
        fatalError("the calling thread's event loop stopped before its task ended the process")
    }
}

/// Runs the jobs of the tasks that prefer it on one event loop, in order.
final class EventLoopTaskExecutor: TaskExecutor {
    private let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        eventLoop.execute { job.runSynchronously(on: executor) }
    }
}
