import CoroqCore
import Testing
@testable import CoroqServer

/// A `[jobs.NAME]` table's defaults for its tasks: `queue`, `priority`, `retries` and the back-off.
@Suite struct JobSubmitDefaultsSettingTests {
    @Test func theDefaultsAreReadWhole() throws {
        let settings = try DaemonSettings(toml: """
            [jobs.sync]
            command = ["true"]
            queue = "net"
            priority = -3
            retries = 4
            backoff = "fixed"
            backoff_base = "2s"
            backoff_cap = "10m"
            """)
        let job = try #require(settings.jobs?.first)
        #expect(job.queue == "net")
        #expect(job.priority == -3)
        #expect(job.retryPolicy == RetryPolicy(retries: 4, backoff: .fixed, base: 2, cap: 600))
    }

    @Test func aJobWithoutThemHasNone() throws {
        let job = try #require(try DaemonSettings(toml: "[jobs.sync]\ncommand = [\"true\"]\n").jobs?.first)
        #expect(job.queue == nil && job.priority == nil && job.retryPolicy == nil)
    }

    @Test(arguments: [
        ("queue = \"no spaces\"", "jobs.a.queue"),
        ("queue = 3", "jobs.a.queue"),
        ("priority = \"high\"", "jobs.a.priority"),
        ("retries = \"3\"", "jobs.a.retries"),
        ("retries = 5000", "jobs.a.retries"),
        ("backoff = \"fixed\"", "jobs.a.backoff"),
        ("retries = 2\nbackoff = \"linear\"", "jobs.a.backoff"),
        ("retries = 2\nbackoff_base = \"soon\"", "jobs.a.backoff_base"),
    ])
    func aBadDefaultNamesItsPlace(line: String, place: String) {
        #expect { _ = try DaemonSettings(toml: "[jobs.a]\ncommand = [\"true\"]\n\(line)\n") } throws: { error in
            "\(error)".contains(place)
        }
    }
}
