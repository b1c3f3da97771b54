import Foundation
import GRDB
import Testing

/// Schedules through the real daemon and CLI (issue 11, item 9): firing, pause/resume/remove, bad input,
/// config schedules and reloads, and `kill -9` never firing a slot twice.
@Suite(.serialized, .timeLimit(.minutes(4)))
struct ScheduleTests {
    let directory = TestDirectory()

    @Test func aScheduleFiresItsTaskAndCanBePausedResumedAndRemoved() async throws {
        try await withDaemon(directory) { daemon in
            let added = try await daemon.coroq("schedule", "add", "tick", "--every", "1s", "noop", "--args", #"{"n": 1}"#)
            #expect(added.exitCode == 0)
            #expect(added.stdout.hasPrefix("schedule tick: every 1s; next 20"))
            _ = try await daemon.log.line(containing: "schedule fired", "schedule=tick")
            let status = try JSONSerialization.jsonObject(with: Data(try await daemon.coroq("status", "--json").stdout.utf8)) as? [String: Any]
            let tasks = status?["tasks"] as? [[String: Any]] ?? []
            #expect(tasks.contains { $0["job"] as? String == "noop" })
            let fired = try #require(tasks.first { $0["job"] as? String == "noop" }?["id"] as? Int)
            let shown = try await daemon.coroq("show", "\(fired)").stdout
            #expect(shown.contains("schedule tick, slot 20"), "show names the schedule and slot: \(shown)")

            let listed = try await daemon.coroq("schedule", "list")
            #expect(listed.stdout.contains("tick"))
            #expect(listed.stdout.contains("every 1s"))
            #expect(listed.stdout.contains(#"noop {"n":1}"#))

            #expect(try await daemon.coroq("schedule", "pause", "tick").stdout == "schedule tick paused\n")
            let paused = try #require(jsonObject(try await daemon.coroq("schedule", "list", "--json").stdout))
            #expect(paused["paused"] as? Bool == true)
            #expect(paused["next"] == nil)
            #expect(try await daemon.coroq("schedule", "resume", "tick").stdout.hasPrefix("schedule tick resumed; next 20"))
            #expect(try await daemon.coroq("schedule", "remove", "tick").exitCode == 0)
            #expect(try await daemon.coroq("schedule", "list").stdout.hasPrefix("no schedules"))
        }
    }

    @Test func badSchedulesAreRefusedWithWhatIsExpected() async throws {
        try await withDaemon(directory) { daemon in
            let refusals: [([String], String)] = [
                (["--cron", "61 * * * *", "noop"], "minute field: '61' is not in 0-59"),
                (["--cron", "* * * *", "noop"], "expected 5 fields"),
                (["--cron", "0 0 30 2 *", "noop"], "never fires"),
                (["--cron", "@daily", "--time-zone", "Mars/Olympus", "noop"], "unknown time zone 'Mars/Olympus'"),
                (["--every", "soon", "noop"], "interval 'soon'"),
                (["--every", "5m", "--catch-up", "some", "noop"], "expected none, last or all"),
                (["--every", "5m", "nojob"], "unknown job 'nojob'"),
            ]
            for (arguments, says) in refusals {
                let result = try await daemon.coroq(["schedule", "add", "bad"] + arguments, stdin: "")
                #expect(result.exitCode == 1, "\(arguments)")
                #expect(result.stderr.contains(says), "\(arguments): \(result.stderr)")
            }
            let both = try await daemon.coroq("schedule", "add", "bad", "--every", "5m", "--cron", "@daily", "noop")
            #expect(both.exitCode == 64 && both.stderr.contains("give --cron or --every"))
            let missing = try await daemon.coroq("schedule", "remove", "nope")
            #expect(missing.exitCode == 1 && missing.stderr.contains("no schedule named 'nope'"))
            #expect(try await daemon.coroq("schedule", "list").stdout.hasPrefix("no schedules"))
            #expect(try await daemon.coroq("status").exitCode == 0)
        }
    }

    @Test func configSchedulesAreAppliedAndABadReloadKeepsTheOldOnes() async throws {
        let config = directory.file("coroqd.toml")
        try """
            [schedules.nightly]
            cron = "30 2 * * *"
            time_zone = "Europe/Berlin"
            job = "exec"
            args = { argv = ["echo", "backup"] }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            let listed = try #require(jsonObject(try await daemon.coroq("schedule", "list", "--json").stdout))
            #expect(listed["name"] as? String == "nightly")
            #expect(listed["origin"] as? String == "config")
            #expect(listed["timing"] as? String == "cron 30 2 * * * Europe/Berlin")

            try "[schedules.nightly]\nevery = \"6h\"\njob = \"nojob\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            _ = try await daemon.log.line(containing: "schedules were not applied", "unknown job 'nojob'")
            #expect(try await daemon.coroq("schedule", "list").stdout.contains("cron 30 2 * * * Europe/Berlin"))

            try "[schedules.hourly]\ncron = \"@hourly\"\njob = \"noop\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            _ = try await daemon.log.line(containing: "SIGHUP: schedules applied")
            let after = try await daemon.coroq("schedule", "list").stdout
            #expect(after.contains("hourly") && !after.contains("nightly"))
        }
    }

    /// Killed at random moments while a schedule fires every second, with catch_up = all: every slot from
    /// the first to the last fired exactly once — none twice, none lost.
    @Test func killNineNeitherRepeatsNorLosesASlot() async throws {
        var generator = SystemRandomNumberGenerator()
        for run in 0..<5 {
            try await withDaemon(directory) { daemon in
                if run == 0 {
                    #expect(try await daemon.coroq("schedule", "add", "beat", "--every", "1s", "--catch-up", "all", "noop").exitCode == 0)
                }
                _ = try await daemon.log.line(containing: "schedule fired", "schedule=beat")
                try await Task.sleep(for: .milliseconds(Int.random(in: 100...1500, using: &generator)))
                daemon.kill9()
            }
        }
        let database = try DatabaseQueue(path: directory.database)
        let (slots, tasks) = try await database.read { db in
            (try Double.fetchAll(db, sql: "SELECT slot FROM schedule_firings WHERE schedule = 'beat' ORDER BY slot"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tasks WHERE job = 'noop'") ?? 0)
        }
        print("schedule under kill -9: \(slots.count) slots fired over 5 runs")
        #expect(slots.count >= 5)
        #expect(tasks == slots.count)
        let gaps = zip(slots, slots.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { abs($0 - 1) < 0.001 }, "slots not one second apart: \(gaps)")
    }
}

/// The first line of `text` as a JSON object.
private func jsonObject(_ text: String) -> [String: Any]? {
    guard let line = text.split(separator: "\n").first else { return nil }
    return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
}

/// Jobs defined in coroqd.toml (issue 11, item 8): listed by `coroq jobs`, run with their values as
/// literal arguments, replaced by a reload; bad ones refused with the key at fault.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct ConfigJobTests {
    let directory = TestDirectory()

    @Test func aConfigJobRunsItsValuesAsLiteralArgumentsAndAReloadReplacesIt() async throws {
        let config = directory.file("coroqd.toml")
        try """
            [jobs.echo-it]
            command = ["printf", "%s|", "{text}", "{other}"]
            description = "Prints its values"
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            let jobs = try await daemon.coroq("jobs").stdout
            #expect(jobs.contains("echo-it") && jobs.contains("text: string, other: string") && jobs.contains("Prints its values"))
            let hostile = "$(rm -rf ~); ;|&"
            #expect(try await daemon.coroq("submit", "echo-it", "text=\(hostile)", "other=a b").stdout == "1\n")
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)
            let result = try JSONSerialization.jsonObject(with: Data(try await daemon.coroq("result", "1").stdout.utf8)) as? [String: Any]
            #expect(result?["stdout"] as? String == "\(hostile)|a b|")

            let missing = try await daemon.coroq("submit", "echo-it", "text=1")
            #expect(missing.exitCode == 1 && missing.stderr.contains("no value for {other}"))

            try "[jobs.shell]\ncommand = [\"sh\", \"-c\", \"echo {x}\"]\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            _ = try await daemon.log.line(containing: "the config file was not applied", "inside a shell script")
            #expect(try await daemon.coroq("jobs").stdout.contains("echo-it"))

            try "[jobs.later]\ncommand = [\"true\"]\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            _ = try await daemon.log.line(containing: "SIGHUP: jobs applied", "jobs=later")
            let after = try await daemon.coroq("jobs").stdout
            #expect(after.contains("later") && !after.contains("echo-it"))
        }
    }
}
