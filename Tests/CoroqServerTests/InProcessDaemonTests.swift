import CoroqClient
import CoroqCore
import CoroqJSON
import CoroqProtocol
import CoroqServer
import Foundation
import Logging
import Testing

/// Runs a `Daemon` in this process on a temporary socket for the duration of `body`.
/// `register` adds jobs of the test's own to the built-in ones.
func withInProcessDaemon(register: (inout JobRegistry) -> Void = { _ in }, _ body: (String) async throws -> Void) async throws {
    let directory = "/tmp/coroq-srv-\(UUID().uuidString.prefix(8))"
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let configuration = DaemonConfiguration(socketPath: "\(directory)/s.sock", databasePath: "\(directory)/db/coroq.db")
    var configured = Daemon(configuration: configuration, logger: Logger(label: "test"))
    register(&configured.registry)
    let daemon = configured
    let (ready, readySink) = AsyncStream.makeStream(of: Void.self)
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { readySink.finish() }
            try await daemon.run { readySink.yield() }
        }
        var iterator = ready.makeAsyncIterator()
        guard await iterator.next() != nil else {
            try await group.next()
            Issue.record("the daemon stopped before it was ready")
            return
        }
        try await body(configuration.socketPath)
        group.cancelAll()
    }
}

@Suite(.timeLimit(.minutes(1)))
struct InProcessDaemonTests {
    @Test func submitWaitAndReadThroughTheClient() async throws {
        try await withInProcessDaemon { socket in
            try await ControlClient.withConnection(socketPath: socket) { client in
                let submitted = try await client.call(.submit, SubmitParams(tasks: [
                    TaskSpec(job: "noop", args: ["n": 1]),
                    TaskSpec(job: "sleep", args: ["seconds": 0.05]),
                ]), as: SubmitResult.self)
                #expect(submitted.ids == [1, 2])
                var pushed: [TaskInfo] = []
                var accepted: [Int64]?
                let result = try await client.call(.wait, WaitParams(ids: [1, 2]), as: WaitResult.self, onNotification: { message in
                    if message.method == waitAcceptedNotification {
                        #expect(pushed.isEmpty, "wait.accepted comes first")
                        accepted = try message.params(WaitAcceptedParams.self)?.ids
                        return
                    }
                    #expect(message.method == taskFinishedNotification)
                    pushed.append(try #require(try message.params(TaskFinishedParams.self)).task)
                })
                #expect(accepted == [1, 2])
                #expect(Set(result.done) == [1, 2] && result.pending.isEmpty && !result.timedOut)
                #expect(Set(pushed.map(\.id)) == [1, 2])
                #expect(pushed.first { $0.id == 1 }?.result == ["n": 1])
                let status = try await client.call(.status, StatusParams(), as: StatusResult.self)
                #expect(status.counts["succeeded"] == 2 && status.counts["queued"] == 0)
            }
        }
    }

    @Test func errorsArriveTypedAndTheConnectionGoesOn() async throws {
        try await withInProcessDaemon { socket in
            try await ControlClient.withConnection(socketPath: socket) { client in
                await #expect {
                    try await client.call(.get, GetParams(id: 42), as: TaskInfo.self)
                } throws: { error in
                    guard let rpc = (error as? ClientError)?.rpc else { return false }
                    return rpc.knownCode == .taskNotFound && rpc.message == "no task with id 42"
                }
                await #expect {
                    try await client.call(.submit, SubmitParams(tasks: [TaskSpec(job: "noop"), TaskSpec(job: "nope")]), as: SubmitResult.self)
                } throws: { error in
                    guard let rpc = (error as? ClientError)?.rpc else { return false }
                    return rpc.knownCode == .unknownJob && rpc.data?["index"] == 1
                }
                // Nothing of the refused batch was stored.
                let status = try await client.call(.status, StatusParams(), as: StatusResult.self)
                #expect(status.tasks.isEmpty)
            }
        }
    }

    @Test func aClientWithoutADaemonGetsDaemonNotRunning() async throws {
        await #expect {
            try await ControlClient.withConnection(socketPath: "/tmp/coroq-none-\(UUID().uuidString.prefix(8)).sock") { _ in }
        } throws: { error in
            (error as? ClientError)?.code == .daemonNotRunning
        }
    }
}
