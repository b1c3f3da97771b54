import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// `send` and `receive`: values sent to tasks (`coroq send ID JSON`), and received by the script a task
/// runs (`coroq receive`). A Swift job receives through `JobContext.receive` and the same `MessageBox`.
struct MessageHandler: Sendable {
    let box: MessageBox
    /// The scheduler: a script waiting in `coroq receive` gives its task's slot back meanwhile.
    let parking: any AttemptParking
    /// The largest value, as JSON text, in bytes (`max_task_bytes`).
    let maximumBytes: Int
    let logger: Logger
    /// How many values each script attempt has received: a script's n-th `coroq receive` is receive n of
    /// its run, as in a Swift job. In memory: an attempt does not outlive the daemon.
    let received = ReceiveCounters()

    func send(_ params: SendParams) async throws(RPCError) -> SendResult {
        if let size = params.value.textSize(over: maximumBytes, slack: 8)?.size {
            throw RPCError(.taskTooLarge,
                "the value is \(size) bytes of JSON; the most this coroqd takes is \(maximumBytes) (max_task_bytes). Put large data in a file and send its path",
                data: ["bytes": .int(Int64(size)), "limit": .int(Int64(maximumBytes))])
        }
        let task = TaskID(params.task)
        let receipt: SendReceipt
        do {
            receipt = try await box.send(task, value: params.value)
        } catch {
            throw RPCError(storeFailure: error)
        }
        switch receipt {
        case .stored(let sequence):
            logger.debug("value sent", metadata: ["task": "\(task)", "sequence": "\(sequence)"])
            return SendResult(task: params.task, sequence: sequence)
        case .taskFinished(let state):
            throw RPCError(.taskFinished,
                "task \(task) is \(state.rawValue): nothing will receive the value, so it was not stored",
                data: ["state": .string(state.rawValue)])
        }
    }

    /// Waits for the next value (at most `timeout`), holding no slot of the concurrency limit meanwhile;
    /// a shutdown ends the wait with `shutting_down` (the script's attempt is cut off anyway).
    func receive(_ params: ReceiveParams) async throws(RPCError) -> ReceiveResult {
        if let timeout = params.timeout, !(timeout >= 0) {
            throw RPCError(.invalidParams, "timeout must be a number of seconds, 0 or more")
        }
        let task = TaskID(params.task)
        try await refuseFinished(task)
        let attempt = params.attempt ?? 0
        let number = received.next(task, attempt: attempt)
        let deadline = params.timeout.map { box.clock.now().addingTimeInterval($0) }
        logger.debug("receive \(number) of task \(task) waits", metadata: ["timeout": "\(params.timeout.map { "\($0)" } ?? "none")"])
        let value: JSONValue?
        do {
            value = try await parkedReceive(task, number: number, until: deadline)
        } catch is CancellationError {
            throw RPCError(.shuttingDown, "coroqd is stopping; the task's script runs again after the restart")
        } catch let error as TaskError where error.code == "task_finished" {
            throw RPCError(.taskFinished, error.message)
        } catch {
            throw RPCError(storeFailure: error)
        }
        guard let value else { return ReceiveResult(value: nil, timedOut: true) }
        received.taken(task, attempt: attempt, number: number)
        return ReceiveResult(value: value, timedOut: false)
    }

    /// Refuses a receive for an unknown task, or one that is finished: nothing would ever be sent to it.
    private func refuseFinished(_ task: TaskID) async throws(RPCError) {
        let record: TaskRecord?
        do {
            record = try await box.store.task(task)
        } catch {
            throw RPCError(storeFailure: error)
        }
        guard let record else { throw RPCError(.taskNotFound, "no task with id \(task)") }
        if record.state.isFinal {
            throw RPCError(.taskFinished, "task \(task) is \(record.state.rawValue): nothing more will be sent to it",
                           data: ["state": .string(record.state.rawValue)])
        }
    }

    /// `MessageBox.receive` with the task's slot given back meanwhile, ended by a shutdown.
    private func parkedReceive(_ task: TaskID, number: Int, until deadline: Date?) async throws -> JSONValue? {
        let (box, parking) = (box, parking)
        return try await cancelWhenGracefulShutdown {
            await parking.park(task)
            let received: Result<JSONValue?, any Error>
            do {
                received = .success(try await box.receive(task, number: number, until: deadline))
            } catch {
                received = .failure(error)
            }
            await parking.unpark(task)
            return try received.get()
        }
    }
}

/// Values received so far by each script attempt.
final class ReceiveCounters: Sendable {
    private let counts = Mutex<[TaskID: (attempt: Int, count: Int)]>([:])

    /// The number of the attempt's next receive.
    func next(_ task: TaskID, attempt: Int) -> Int {
        counts.withLock { counts in
            guard let entry = counts[task], entry.attempt == attempt else { return 1 }
            return entry.count + 1
        }
    }

    /// Receive `number` of the attempt took a value.
    func taken(_ task: TaskID, attempt: Int, number: Int) {
        counts.withLock { $0[task] = (attempt, number) }
    }
}
