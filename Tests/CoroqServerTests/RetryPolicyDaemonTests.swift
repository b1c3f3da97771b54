import CoroqClient
import CoroqCore
import CoroqJSON
import CoroqProtocol
import CoroqServer
import Foundation
import Testing

/// Fails its first attempt, succeeds its second; declares a default retry policy, as a registered job may.
private struct FlakyOnce: JobDefinition {
    let name = "flaky-once"
    let retryPolicy: RetryPolicy? = RetryPolicy(retries: 2, backoff: .fixed, base: 0.05)
    func run(_ arguments: JSONValue, context: JobContext) async throws -> Int {
        if context.attempt == 1 { throw TaskError(code: "flaky", message: "first attempt fails") }
        return context.attempt
    }
}

@Suite(.timeLimit(.minutes(1)))
struct RetryPolicyDaemonTests {
    @Test func aRegisteredJobsDefaultPolicyRetriesAndWaitWaitsThroughIt() async throws {
        try await withInProcessDaemon(register: { $0.register(FlakyOnce()) }) { socket in
            try await ControlClient.withConnection(socketPath: socket) { client in
                let submitted = try await client.call(.submit, SubmitParams(tasks: [TaskSpec(job: "flaky-once")]), as: SubmitResult.self)
                let result = try await client.call(.wait, WaitParams(ids: submitted.ids), as: WaitResult.self)
                #expect(result.done == submitted.ids)
                let detail = try await client.call(.show, TaskParams(id: submitted.ids[0]), as: TaskDetail.self)
                #expect(detail.task.state == .succeeded && detail.task.result == 2 && detail.task.attempts == 2)
                #expect(detail.task.retry == RetryPolicyInfo(retries: 2, backoff: "fixed", base: 0.05, cap: 3600, jitter: 0))
                #expect(detail.attempts.map(\.outcome) == ["failed", "succeeded"])
                #expect(detail.attempts[0].error?.message == "first attempt fails")
            }
        }
    }

    @Test func badTimingIsRefusedWithItsCodeAndNothingIsStored() async throws {
        try await withInProcessDaemon { socket in
            try await ControlClient.withConnection(socketPath: socket) { client in
                var spec = TaskSpec(job: "noop")
                spec.retries = 2
                spec.backoff = "linear"
                await expectRefusal(client, [TaskSpec(job: "noop"), spec], code: -32041,
                                    "task 1: \"backoff\": 'linear' is not one of fixed, exponential")
                spec = TaskSpec(job: "noop")
                spec.delay = 5
                spec.runAt = 1
                await expectRefusal(client, [spec], code: -32040, "task 0: give \"in\" or \"run_at\", not both")
                spec = TaskSpec(job: "noop")
                spec.jitter = 0.5
                await expectRefusal(client, [spec], code: -32041,
                                    "task 0: \"backoff\", \"backoff_base\", \"backoff_cap\" and \"jitter\" go with \"retries\"")
                let status = try await client.call(.status, StatusParams(), as: StatusResult.self)
                #expect(status.counts.values.reduce(0, +) == 0)
            }
        }
    }

    private func expectRefusal(_ client: ControlClient, _ tasks: [TaskSpec], code: Int, _ message: String) async {
        do {
            _ = try await client.call(.submit, SubmitParams(tasks: tasks), as: SubmitResult.self)
            Issue.record("the submit was accepted")
        } catch let error as ClientError {
            #expect(error.rpc?.code == code && error.rpc?.message == message, "\(error)")
        } catch {
            Issue.record("\(error)")
        }
    }
}
