import CoroqClient
import CoroqCore
import CoroqProtocol
import Foundation
import Testing
@testable import CoroqServer

/// The pieces of the `wait` path and of the errors that reach the CLI.
@Suite(.timeLimit(.minutes(1)))
struct WaitPathTests {
    private func record(_ id: Int64, _ state: TaskState = .succeeded) -> TaskRecord {
        TaskRecord(id: TaskID(id), job: "noop", arguments: .emptyObject, state: state, createdAt: Date(timeIntervalSince1970: 0))
    }

    @Test func anInboxHandsOutEverythingThatArrivedSinceTheLastTake() async {
        let inbox = FinishedTaskInbox()
        for id: Int64 in 1...3 { inbox.deliver(record(id)) }
        #expect(await inbox.take()?.map(\.id.rawValue) == [1, 2, 3])
        inbox.deliver(record(4))
        inbox.close()
        inbox.deliver(record(5))  // after close: dropped
        #expect(await inbox.take()?.map(\.id.rawValue) == [4])
        #expect(await inbox.take() == nil)
    }

    @Test func aTakeWaitsForTheNextDelivery() async {
        let inbox = FinishedTaskInbox()
        async let taken = inbox.take()
        inbox.deliver(record(7))
        #expect(await taken?.map(\.id.rawValue) == [7])
    }

    @Test func cancellingATakeClosesTheInbox() async {
        let inbox = FinishedTaskInbox()
        let waiting = Task { await inbox.take() }
        waiting.cancel()
        #expect(await waiting.value == nil)
        inbox.deliver(record(1))
        #expect(await inbox.take() == nil)
    }

    @Test func theRegistryDeliversOnlyToTheWaitsOfThatTask() async {
        let registry = WaiterRegistry()
        let (first, firstInbox) = registry.register([TaskID(1), TaskID(2)])
        let (_, secondInbox) = registry.register([TaskID(2)])
        registry.finished(record(1))
        registry.finished(record(2))
        #expect(await firstInbox.take()?.map(\.id.rawValue) == [1, 2])
        #expect(await secondInbox.take()?.map(\.id.rawValue) == [2])
        registry.unregister(first)
        #expect(await firstInbox.take() == nil)
        registry.shutDown()
        #expect(await secondInbox.take() == nil)
        let (_, late) = registry.register([TaskID(3)])
        #expect(await late.take() == nil, "a wait registered during shutdown ends at once")
    }

    /// A request refused because the daemon is stopping is not a storage failure.
    @Test func aStoreRefusalWhileStoppingIsShuttingDown() {
        let refused = RPCError(storeFailure: TaskStoreError(.shuttingDown, "coroqd is shutting down; task 2 was not cancelled"))
        #expect(refused.knownCode == .shuttingDown)
        #expect(refused.data?["reason"] == "shutting_down")
        #expect(RPCError(storeFailure: TaskStoreError(.storage, "disk full")).knownCode == .storageFailure)
        let error = ClientError.rpc(refused)
        #expect(error.code == .daemonStopping && error.rpc == refused)
        #expect(error.description.hasPrefix("coroqd is stopping"), "\(error)")
        #expect(ClientError.rpc(RPCError(.storageFailure, "disk full")).code == .refused)
    }
}
