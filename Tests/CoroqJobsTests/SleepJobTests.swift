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

/// `sleep`'s seconds as JSON: a number, or a duration written for people (a batch line, `--args`).
@Suite struct SleepArgumentsTests {
    @Test(arguments: [(#"{"seconds": 1.5}"#, 1.5), (#"{"seconds": "2m"}"#, 120), (#"{"seconds": "500ms"}"#, 0.5)])
    func decodesNumbersAndDurations(json: String, seconds: Double) throws {
        let arguments = try JSONValue(parsing: Data(json.utf8)).decode(as: SleepJob.Arguments.self)
        #expect(arguments.seconds == seconds)
    }

    @Test func aStringThatIsNotADurationSaysWhatIsExpected() throws {
        let value = try JSONValue(parsing: Data(#"{"seconds": "2 minutes"}"#.utf8))
        #expect { _ = try value.decode(as: SleepJob.Arguments.self) } throws: { error in
            "\(error)".contains("500ms, 30s, 5m")
        }
    }
}
