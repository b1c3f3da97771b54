import CoroqCore
import Foundation
import GreetingJobs
import Logging
import Testing

/// The jobs run without a daemon: a context over the in-memory store that the daemon's own tests use.
@Suite struct GreetingJobsTests {
    let store = InMemoryTaskStore()

    func context(task: Int64, attempt: Int = 1) -> JobContext {
        JobContext(taskID: TaskID(task), attempt: attempt, logger: Logger(label: "test"), checkpoints: store)
    }

    @Test func greetsAsManyTimesAsAsked() async throws {
        let output = try await Greet().run(.init(name: "Ada", times: 2), context: context(task: 1))
        #expect(output == ["Hello, Ada!", "Hello, Ada!"])
    }

    @Test func badArgumentsAreRefusedAtSubmit() {
        #expect(throws: InvalidArguments("'times' must be from 1 to 100")) {
            try Greet().validate(.init(name: "Ada", times: 0))
        }
    }

    @Test func aSecondAttemptSendsTheSameInvoice() async throws {
        let arguments = SendInvoice.Arguments(customer: "acme", cents: 1200)
        let first = try await SendInvoice().run(arguments, context: context(task: 7))
        let second = try await SendInvoice().run(arguments, context: context(task: 7, attempt: 2))
        #expect(first == second)
        #expect(first.invoice.hasPrefix("INV-7-"))
    }

    @Test func aSecondAttemptRunsOnlyTheStepsThatDidNotComplete() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("steps-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let first = try await ThreeSteps().run(.init(file: file), context: context(task: 3))
        let second = try await ThreeSteps().run(.init(file: file), context: context(task: 3, attempt: 2))
        #expect(first == ["one by attempt 1", "two by attempt 1", "three by attempt 1"])
        #expect(second == first, "every step completed: the second attempt replays them all")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "one\ntwo\nthree\n")
    }

    @Test func shipsOnceTheApprovalFutureSucceeded() async throws {
        let approval = TaskRecord(id: TaskID(5), job: "future", arguments: [:], state: .succeeded, result: ["by": "ana"], createdAt: Date())
        let context = JobContext(taskID: TaskID(6), attempt: 1, logger: Logger(label: "test"), checkpoints: store,
                                 tasks: ResolvedFutures(records: [approval]))
        let output = try await ShipWhenApproved().run(.init(approval: 5, order: "A-1"), context: context)
        #expect(output == "shipped A-1, approved by ana")
    }

    @Test func aRejectedApprovalFailsTheTaskWithATypedError() async throws {
        let rejected = TaskRecord(id: TaskID(5), job: "future", arguments: [:], state: .failed,
                                  error: TaskError(code: "future_error", message: "too expensive"), createdAt: Date())
        let context = JobContext(taskID: TaskID(6), attempt: 1, logger: Logger(label: "test"), checkpoints: store,
                                 tasks: ResolvedFutures(records: [rejected]))
        await #expect(throws: TaskError.self) {
            try await ShipWhenApproved().run(.init(approval: 5, order: "A-1"), context: context)
        }
        do {
            _ = try await ShipWhenApproved().run(.init(approval: 5, order: "A-1"), context: context)
        } catch let error as TaskError {
            #expect(error.code == "awaited_failed" && error.message == "task 5 failed: too expensive")
        }
    }

    /// Children need a daemon (scripts/test-example runs `invoice-run` under greetd): outside one, the
    /// spawn is refused with a typed error, and nothing else happens.
    @Test func anInvoiceRunOutsideADaemonCannotSpawn() async throws {
        await #expect {
            try await InvoiceRun().run(.init(customers: ["acme"], cents: 500), context: context(task: 9))
        } throws: { error in
            (error as? TaskError)?.code == "no_daemon"
        }
    }

    @Test func anInvoiceRunNamesEachCustomerOnce() {
        #expect(throws: InvalidArguments("each customer once: a child is named after its customer")) {
            try InvoiceRun().validate(.init(customers: ["acme", "acme"], cents: 500))
        }
    }

    @Test func tallyOutsideADaemonSaysNothingCanBeSentToIt() async throws {
        await #expect(throws: TaskError.self) {
            _ = try await Tally().run(.init(count: 1), context: context(task: 4))
        }
    }

    @Test func theRegistryDescribesTheJobsForCoroqJobs() {
        var registry = JobRegistry()
        registry.register(SendInvoice())
        let described = registry.descriptions.first
        #expect(described?.isRepeatSafe == false)
        #expect(described?.arguments?.map(\.name) == ["customer", "cents"])
    }
}

/// Futures already resolved, as a daemon would hand them to a job.
struct ResolvedFutures: TaskWatching {
    let records: [TaskRecord]

    func finished(_ id: TaskID) async throws -> TaskRecord {
        guard let record = records.first(where: { $0.id == id }) else { throw TaskError.unknownTask(id) }
        return record
    }
}
