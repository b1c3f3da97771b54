import CoroqCore
import CoroqJSON
import CoroqJobs
import Foundation
import Testing

@Suite struct SleepJobTests {
    @Test func sleepsAndReportsTheSeconds() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let output = try await SleepJob().run(.init(seconds: 0.05), context: makeContext())
        #expect(output.seconds == 0.05)
        #expect(clock.now - start >= .milliseconds(50))
    }

    /// After a restart the stored deadline wins: a deadline that already passed means no sleep at all.
    @Test func aStoredDeadlineIsKeptAcrossAttempts() async throws {
        let store = InMemoryTaskStore()
        let past = Date().timeIntervalSince1970 - 10
        _ = try await store.checkpoint(TaskID(1), key: "deadline", proposed: .double(past))
        let clock = ContinuousClock()
        let start = clock.now
        _ = try await SleepJob().run(.init(seconds: 3600), context: makeContext(1, checkpoints: store))
        #expect(clock.now - start < .seconds(1))
    }

    @Test(arguments: [-1, Double.infinity, Double.nan])
    func rejectsSecondsThatAreNotADuration(seconds: Double) {
        #expect(throws: InvalidArguments.self) { try SleepJob().validate(.init(seconds: seconds)) }
    }
}
