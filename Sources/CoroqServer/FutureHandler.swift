import CoroqCore
import CoroqJSON
import CoroqProtocol
import CoroqRuntime
import Foundation

/// `future.create` and `future.resolve`: standalone futures, rows of the tasks table that are never claimed
/// (`StandaloneFuture`). Resolving records the outcome, fires done-callbacks and waiters, and releases the
/// tasks submitted `--after` it — in the transaction that records it.
struct FutureHandler: Sendable {
    let store: any TaskStore
    let scheduler: Scheduler
    /// The largest value a future resolves to, as JSON text (`max_task_bytes`).
    var maximumValueBytes = 1 << 20

    func create(_ params: FutureCreateParams) async throws(RPCError) -> TaskInfo {
        do {
            let records = try await store.submit([StandaloneFuture.new(name: params.name, onDone: params.onDone)], at: Date())
            return TaskInfo(records[0])
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    func resolve(_ params: FutureResolveParams) async throws(RPCError) -> TaskInfo {
        let outcome = try outcome(of: params)
        let id = TaskID(params.id)
        do {
            guard let record = try await store.task(id) else {
                throw RPCError(.taskNotFound, "no future with id \(id)", data: ["id": .int(id.rawValue)])
            }
            guard record.isFuture else {
                throw RPCError(.notAFuture,
                    "task \(id) is a '\(record.job)' task, not a future: it finishes by running",
                    data: ["id": .int(id.rawValue), "job": .string(record.job)])
            }
            guard !record.state.isFinal else { throw alreadyResolved(record) }
            return TaskInfo(try await scheduler.resolve(id, outcome: outcome))
        } catch let error as TaskTransitionError {
            // Resolved by someone else between the read and the write.
            guard let record = try? await store.task(id) else { throw RPCError(storeFailure: error) }
            throw alreadyResolved(record)
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// Exactly one of `value` and `error`, checked.
    private func outcome(of params: FutureResolveParams) throws(RPCError) -> TaskOutcome {
        switch (params.value, params.error) {
        case (let value?, nil):
            if let size = value.textSize(over: maximumValueBytes, slack: 8)?.size {
                throw RPCError(.taskTooLarge,
                    "the value is \(size) bytes of JSON; the most this coroqd takes is \(maximumValueBytes) (max_task_bytes)")
            }
            return .succeeded(value)
        case (nil, let message?):
            guard !message.isEmpty else { throw RPCError(.invalidParams, "\"error\" is empty; say what went wrong") }
            return .failed(StandaloneFuture.failure(message))
        default:
            throw RPCError(.invalidParams, "give exactly one of \"value\" (JSON) and \"error\" (a message)")
        }
    }

    /// `future_already_resolved`, saying what it resolved to.
    private func alreadyResolved(_ record: TaskRecord) -> RPCError {
        let what: String
        switch record.outcome {
        case .succeeded(let value)?: what = "succeeded with \(value.jsonText)"
        case .failed(let error)?: what = "failed with: \(error.message)"
        case .cancelled(let reason)?: what = "was cancelled: \(reason)"
        case nil: what = "is \(record.state.rawValue)"
        }
        var data: [String: JSONValue] = ["id": .int(record.id.rawValue), "state": .string(record.state.rawValue)]
        if let result = record.result { data["result"] = result }
        return RPCError(.futureAlreadyResolved, "future \(record.id) already \(what); a future resolves once", data: data)
    }
}
