import CoroqCore
import Testing
@testable import CoroqServer

/// A `[jobs.NAME]` table's `timeout`: read as a human duration, refused with its place when it is not one.
@Suite struct JobTimeoutSettingTests {
    @Test(arguments: [("\"30s\"", 30.0), ("\"1h30m\"", 5400), ("\"500ms\"", 0.5)])
    func aJobsTimeoutIsReadAsADuration(text: String, seconds: Double) throws {
        let settings = try DaemonSettings(toml: "[jobs.sync]\ncommand = [\"true\"]\ntimeout = \(text)\n")
        #expect(settings.jobs?.first?.timeout == seconds)
    }

    @Test func aJobWithoutATimeoutHasNone() throws {
        let settings = try DaemonSettings(toml: "[jobs.sync]\ncommand = [\"true\"]\n")
        #expect(settings.jobs?.first?.timeout == nil)
    }

    @Test(arguments: ["\"soon\"", "\"0s\"", "30"])
    func aBadTimeoutNamesItsPlace(text: String) {
        #expect { _ = try DaemonSettings(toml: "[jobs.a]\ncommand = [\"true\"]\ntimeout = \(text)\n") } throws: { error in
            "\(error)".contains("jobs.a.timeout") && "\(error)".contains("a duration such as")
        }
    }
}

/// A job that declares a default timeout.
private struct SlowJob: JobDefinition {
    let name = "slow"
    var defaultTimeout: Double? { 45 }
    func run(_ arguments: [String: String], context: JobContext) async throws -> Int { 0 }
}

@Suite struct JobDefaultTimeoutTests {
    @Test func theRegistryTellsAJobsDefaultTimeout() {
        var registry = JobRegistry()
        registry.register(SlowJob())
        #expect(registry.defaults(job: "slow").timeout == 45)
        #expect(registry.defaults(job: "unknown").timeout == nil)
    }
}
