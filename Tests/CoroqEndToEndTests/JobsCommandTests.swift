import Foundation
import Testing

/// `coroq jobs`: every job the daemon can run, what it does, whether it may run twice, its arguments.
@Suite(.timeLimit(.minutes(1)))
struct JobsCommandTests {
    let directory = TestDirectory()

    @Test func listsTheBuiltInJobsWithTheirArguments() async throws {
        try await withDaemon(directory) { daemon in
            let table = try await daemon.coroq("jobs")
            #expect(table.exitCode == 0)
            #expect(table.lines.first?.hasPrefix("JOB") == true)
            let sleep = try #require(table.lines.first { $0.hasPrefix("sleep ") })
            #expect(sleep.contains("seconds: number") && sleep.contains("Waits, durably"))
            let exec = try #require(table.lines.first { $0.hasPrefix("exec ") })
            #expect(exec.contains("argv: array, cwd?: string"))
            let json = try jsonObject(try await daemon.coroq("jobs", "--json").stdout)
            let jobs = try #require(json["jobs"] as? [[String: Any]])
            #expect(jobs.map { $0["name"] as? String } == ["exec", "noop", "sleep"])
            #expect(jobs.allSatisfy { $0["repeatable"] as? Bool == true })
            #expect(jobs.first { $0["name"] as? String == "sleep" }?["timed"] as? Bool == true)
            #expect(jobs.first { $0["name"] as? String == "noop" }?["args"] == nil, "noop takes any JSON object")
        }
    }
}
