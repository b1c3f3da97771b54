import CoroqClient
import CoroqCore
import CoroqJSON
import CoroqProtocol
import CoroqServer
import Foundation
import Logging
import Synchronization
import Testing

/// Adds up `count` numbers sent to it, reporting progress after each.
private struct AddUp: JobDefinition {
    struct Arguments: Codable, Sendable { var count: Int }
    let name = "add-up"

    func run(_ arguments: Arguments, context: JobContext) async throws -> Int {
        var total = 0
        for received in 1...arguments.count {
            total += try await context.receive(as: Int.self)
            context.progress(Double(received) / Double(arguments.count), "\(received) of \(arguments.count)")
        }
        return total
    }
}

/// Notes of the progress reports a wait was pushed.
private final class Notes: Sendable {
    let items = Mutex<[String]>([])
}

/// A Swift job's `context.receive` and `context.progress` in a daemon run in this process: values sent
/// through the protocol wake it, and a `wait` that asks is pushed its progress.
@Suite(.timeLimit(.minutes(1)))
struct ReceivingJobTests {
    @Test func sentValuesReachAWaitingReceiveAndItsProgressIsPushedToAWait() async throws {
        try await withInProcessDaemon(register: { $0.register(AddUp()) }) { socket in
            let id = try await ControlClient.withConnection(socketPath: socket) { client in
                try await client.call(.submit, SubmitParams(tasks: [TaskSpec(job: "add-up", args: ["count": 2])]),
                                      as: SubmitResult.self).ids[0]
            }
            let (accepted, acceptedSink) = AsyncStream.makeStream(of: Void.self)
            let notes = Notes()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await ControlClient.withConnection(socketPath: socket) { client in
                        let result = try await client.call(.wait, WaitParams(ids: [id], progress: true), as: WaitResult.self,
                                                           onNotification: { message in
                            if message.method == waitAcceptedNotification { acceptedSink.yield() }
                            if message.method == taskProgressNotification,
                               let report = try message.params(TaskProgressParams.self) {
                                notes.items.withLock { $0.append(report.progress.note ?? "") }
                            }
                        })
                        #expect(result.done == [id])
                    }
                }
                var iterator = accepted.makeAsyncIterator()
                _ = await iterator.next()
                try await ControlClient.withConnection(socketPath: socket) { client in
                    _ = try await client.call(.send, SendParams(task: id, value: 5), as: SendResult.self)
                    _ = try await client.call(.send, SendParams(task: id, value: 37), as: SendResult.self)
                }
                try await group.waitForAll()
            }
            #expect(notes.items.withLock { $0 } == ["1 of 2", "2 of 2"])
            try await ControlClient.withConnection(socketPath: socket) { client in
                let task = try await client.call(.get, GetParams(id: id), as: TaskInfo.self)
                #expect(task.result == 42)
                #expect(task.progress?.fraction == 1)
            }
        }
    }
}
