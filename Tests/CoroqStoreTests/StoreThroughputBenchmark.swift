import CoroqCore
import CoroqStore
import Foundation
import Testing

/// The store's hot path timed on its own: N tasks submitted in batches of 1000 (`submit --batch`), claimed
/// 4096 at a time (the scheduler's claim) and finished 256 to a write (`finish(claimedBatch:)`).
///
/// Off unless `COROQ_STORE_BENCHMARK` gives the number of tasks (`COROQ_STORE_BENCHMARK=100000 swift test
/// -c release --filter StoreThroughputBenchmark`); it prints seconds per phase.
@Suite struct StoreThroughputBenchmark {
    static let tasks = Int(ProcessInfo.processInfo.environment["COROQ_STORE_BENCHMARK"] ?? "") ?? 0

    @Test(.enabled(if: tasks > 0))
    func submitClaimFinish() async throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteTaskStore.open(path: directory.path + "/bench.db")
        let now = Date()
        let clock = ContinuousClock()

        var start = clock.now
        for first in stride(from: 0, to: Self.tasks, by: 1000) {
            let batch = (first..<min(first + 1000, Self.tasks)).map { _ in NewTask(job: "noop", arguments: ["n": 1]) }
            _ = try await store.submit(batch, at: now)
        }
        let submitted = clock.now - start

        start = clock.now
        var claimed: [TaskRecord] = []
        while case let batch = try await store.claim(limit: 4096, at: now), !batch.isEmpty {
            claimed.append(contentsOf: batch)
        }
        let claiming = clock.now - start

        start = clock.now
        var finished = 0
        for first in stride(from: 0, to: claimed.count, by: 256) {
            let batch = claimed[first..<min(first + 256, claimed.count)].map { ($0, TaskOutcome.succeeded(["ok": true])) }
            finished += try await store.finish(claimedBatch: batch, at: now).compactMap { $0 }.count
        }
        let finishing = clock.now - start

        #expect(claimed.count == Self.tasks && finished == Self.tasks)
        #expect(try await store.countsByState() == [.succeeded: Self.tasks])
        print("store benchmark, \(Self.tasks) tasks: submit \(submitted), claim \(claiming), finish \(finishing), total \(submitted + claiming + finishing)")
    }
}
