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

    /// The deadline is the first attempt's start plus the seconds: a later attempt (after a restart)
    /// sleeps only what remains, and not at all when it passed.
    @Test func theDeadlineCountsFromTheFirstAttempt() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let context = makeContext(attempt: 2, firstStartedAt: Date().addingTimeInterval(-10))
        _ = try await SleepJob().run(.init(seconds: 10.2), context: context)
        let slept = clock.now - start
        // What remained (0.2 s), not the whole 10.2 s; the upper bound leaves room for a loaded machine
        // (a 0.2 s sleep took over 2 s while four builds ran).
        #expect(slept >= .milliseconds(150) && slept < .seconds(8))
    }

    @Test(arguments: [-1, Double.infinity, Double.nan])
    func rejectsSecondsThatAreNotADuration(seconds: Double) {
        #expect(throws: InvalidArguments.self) { try SleepJob().validate(.init(seconds: seconds)) }
    }
}
