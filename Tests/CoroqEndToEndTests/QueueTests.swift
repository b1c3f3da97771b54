import Foundation
import Subprocess
import SystemPackage
import Testing

/// Queues through the real daemon and CLI: limits never exceeded (the most tasks observed running at
/// once), also after a reload lowers one; a paused queue holds its tasks across a restart and resumes
/// them; unknown queues and bad `[queues.*]` tables refused; `status` filters.
@Suite(.timeLimit(.minutes(2)))
struct QueueTests {
    let directory = TestDirectory()

    func coroqd(_ arguments: [String]) async throws -> (status: TerminationStatus, stdout: String, stderr: String) {
        let result = try await Subprocess.run(
            .path(Binaries.coroqd), arguments: Arguments(arguments), output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        return (result.terminationStatus, result.standardOutput, result.standardError)
    }

    /// A batch line: an exec task of `queue` that logs its start and end (nanoseconds) around a sleep.
    func recordingTask(_ queue: String, log: String, seconds: String = "0.5") -> String {
        let script = "echo \"S $(date +%s%N) \(queue)\" >> \(log); sleep \(seconds); echo \"E $(date +%s%N) \(queue)\" >> \(log)"
        let line: [String: Any] = ["job": "exec", "queue": queue, "args": ["argv": ["sh", "-c", script]]]
        return String(decoding: try! JSONSerialization.data(withJSONObject: line), as: UTF8.self)
    }

    /// The most tasks observed running at once, in all and per queue, from a log of `S|E time queue` lines.
    func maximumRunning(_ log: String) throws -> (all: Int, byQueue: [String: Int]) {
        let events = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { line in
            let parts = line.split(separator: " ")
            return (start: parts[0] == "S", time: Int64(parts[1])!, queue: String(parts[2]))
        }.sorted { ($0.time, $0.start ? 1 : 0) < ($1.time, $1.start ? 1 : 0) }  // an end before a start at a tie
        var running = 0, most = 0
        var byQueue: [String: Int] = [:], mostByQueue: [String: Int] = [:]
        for event in events {
            running += event.start ? 1 : -1
            byQueue[event.queue, default: 0] += event.start ? 1 : -1
            most = max(most, running)
            mostByQueue[event.queue] = max(mostByQueue[event.queue] ?? 0, byQueue[event.queue]!)
        }
        return (most, mostByQueue)
    }

    func submitBatch(_ daemon: RunningDaemon, _ lines: [String]) async throws -> [String] {
        let submit = try await daemon.coroq(["submit", "--batch"], stdin: lines.joined(separator: "\n") + "\n")
        #expect(submit.exitCode == 0, "\(submit.stderr)")
        return submit.lines
    }

    @Test func theGlobalAndQueueLimitsAreNeverExceededAlsoAfterAReloadLowersOne() async throws {
        let config = directory.file("coroqd.toml")
        try "concurrency = 3\n[queues.net]\nconcurrency = 2\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (before, after) = (directory.file("before.log"), directory.file("after.log"))
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            let ids = try await submitBatch(daemon, (0..<5).map { _ in recordingTask("net", log: before) }
                + (0..<4).map { _ in recordingTask("default", log: before) })
            #expect(try await daemon.coroq(["wait"] + ids, stdin: "").exitCode == 0)
            let first = try maximumRunning(before)
            #expect(first.all == 3, "the global limit: at most 3, and reached")
            #expect(first.byQueue["net"] == 2, "net's limit: at most 2, and reached")

            try "concurrency = 3\n[queues.net]\nconcurrency = 1\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            _ = try await daemon.log.line(containing: "SIGHUP: queues applied")
            let list = try await daemon.coroq("queue", "list", "--json")
            #expect(list.lines.contains { $0.contains(#""name":"net""#) && $0.contains(#""concurrency":1"#) }, "\(list.stdout)")
            let more = try await submitBatch(daemon, (0..<4).map { _ in recordingTask("net", log: after, seconds: "0.3") }
                + (0..<2).map { _ in recordingTask("default", log: after, seconds: "0.3") })
            #expect(try await daemon.coroq(["wait"] + more, stdin: "").exitCode == 0)
            let second = try maximumRunning(after)
            #expect(second.byQueue["net"] == 1, "the lowered limit holds")
            #expect(second.all <= 3)

            // A bad queue table keeps the settings in force, and the log names the key.
            try "concurrency = 3\n[queues.net]\nconcurrency = 0\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            _ = try await daemon.log.line(containing: "the config file was not applied", "queues.net.concurrency")
            let kept = try await daemon.coroq("queue", "list", "--json")
            #expect(kept.lines.contains { $0.contains(#""name":"net""#) && $0.contains(#""concurrency":1"#) }, "\(kept.stdout)")
        }
    }

    /// At most N starts per interval, on the daemon's real clock: the held starts wait for the window's
    /// wake (no polling), and no window of the interval holds more than N starts.
    @Test func aRateLimitHoldsStartsToNPerInterval() async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("queue", "set", "api", "--rate", "2/1s").exitCode == 0)
            let ids = try await submitBatch(daemon, (0..<6).map { _ in #"{"job": "noop", "queue": "api"}"# })
            #expect(try await daemon.coroq(["wait"] + ids, stdin: "").exitCode == 0)
            var starts: [Double] = []
            for id in ids {
                let detail = try jsonObject(try await daemon.coroq("show", id, "--json").stdout)
                let attempts = try #require(detail["attempts"] as? [[String: Any]])
                starts += attempts.compactMap { $0["started_at"] as? Double }
            }
            starts.sort()
            #expect(starts.count == 6)
            for start in starts {
                #expect(starts.filter { $0 >= start && $0 < start + 0.999 }.count <= 2, "\(starts)")
            }
            #expect(starts.last! - starts.first! >= 1.99, "six starts at 2 per second span two windows: \(starts)")
        }
    }

    @Test func aPausedQueueHoldsItsTasksAcrossARestartAndResumesThem() async throws {
        var held: [String] = []
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("queue", "set", "net").exitCode == 0)
            let pause = try await daemon.coroq("queue", "pause", "net")
            #expect(pause.exitCode == 0 && pause.stdout == "queue net paused\n", "\(pause.stderr)")
            held = try await submitBatch(daemon, [#"{"job": "noop", "queue": "net"}"#, #"{"job": "noop", "queue": "net"}"#])
            let other = try await daemon.coroq("submit", "noop").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await daemon.coroq("wait", other).exitCode == 0, "the default queue is not paused")
            let queued = try await daemon.coroq("status", "--queue", "net", "--state", "queued", "--json")
            let tasks = try #require(try jsonObject(queued.stdout)["tasks"] as? [[String: Any]])
            #expect(tasks.compactMap { $0["id"] as? Int }.map(String.init).sorted() == held.sorted(), "\(queued.stdout)")
        }
        try await withDaemon(directory) { daemon in
            let list = try await daemon.coroq("queue", "list", "--json")
            let net = try #require(list.lines.first { $0.contains(#""name":"net""#) })
            #expect(net.contains(#""paused":true"#) && net.contains(#""queued":2"#), "a restart keeps the pause: \(net)")
            let table = try await daemon.coroq("queue", "list")
            #expect(table.stdout.contains("QUEUE") && table.stdout.contains("net"), "\(table.stdout)")
            #expect(try await daemon.coroq(["wait", "--timeout", "1s"] + held, stdin: "").exitCode != 0, "still held")
            #expect(try await daemon.coroq("queue", "resume", "net").exitCode == 0)
            let wait = try await daemon.coroq(["wait"] + held, stdin: "")
            #expect(wait.exitCode == 0, "\(wait.stdout)\(wait.stderr)")
        }
    }

    @Test func unknownQueuesAndBadNamesAreRefused() async throws {
        try await withDaemon(directory) { daemon in
            let unknown = try await daemon.coroq("submit", "--queue", "nope", "noop")
            #expect(unknown.exitCode != 0)
            #expect(unknown.stderr.contains("no queue named 'nope'; the queues are default"), "\(unknown.stderr)")
            let bad = try await daemon.coroq("submit", "--queue", "a b", "noop")
            #expect(bad.exitCode != 0 && bad.stderr.contains("queue 'a b': a queue name is"), "\(bad.stderr)")
            let rate = try await daemon.coroq("queue", "set", "api", "--rate", "fast")
            #expect(rate.exitCode != 0 && rate.stderr.contains("rate 'fast'"), "\(rate.stderr)")
            let set = try await daemon.coroq("queue", "set", "api", "--rate", "10/1s", "--concurrency", "3")
            #expect(set.stdout == "queue api: concurrency 3, rate 10/1s\n", "\(set.stderr)")
            #expect(try await daemon.coroq("submit", "--queue", "api", "noop").exitCode == 0)
            let none = try await daemon.coroq("queue", "set", "api", "--concurrency", "none")
            #expect(none.stdout == "queue api: concurrency -, rate 10/1s\n", "\(none.stderr)")
        }
    }

    @Test(arguments: [
        ("[queues.net]\nconcurrency = 0\n", "key 'queues.net.concurrency': expected a whole number from 1"),
        ("[queues.net]\nrate = \"fast\"\n", "key 'queues.net.rate': expected a rate such as"),
        ("[queues.net]\nlimit = 2\n", "key 'queues.net.limit': unknown key; a queue takes concurrency, rate, paused"),
        ("[queues.\"a b\"]\nconcurrency = 1\n", "key 'queues.a b': a queue name is"),
        ("[queues.net]\npaused = \"yes\"\n", "key 'queues.net.paused': expected true or false"),
    ])
    func badQueueTablesAreRefusedAtLoadNamingTheKey(toml: String, message: String) async throws {
        let config = directory.file("coroqd.toml")
        try toml.write(toFile: config, atomically: true, encoding: .utf8)
        let check = try await coroqd(["--check-config", "--config", config])
        #expect(check.status == .exited(1))
        #expect(check.stderr.contains(message), "\(check.stderr)")
    }

    @Test func statusFiltersByStateQueueLabelAndJob() async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("queue", "set", "net").exitCode == 0)
            let a = try await daemon.coroq("submit", "--label", "nightly", "noop").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let b = try await daemon.coroq("submit", "--queue", "net", "--label", "nightly", "sleep", "0").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let c = try await daemon.coroq("submit", "--queue", "net", "noop").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(try await daemon.coroq("wait", a, b, c).exitCode == 0)
            let failed = try await daemon.coroq("submit", "exec", "--", "false").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await daemon.coroq("wait", failed)
            func ids(_ arguments: String...) async throws -> [String] {
                let status = try await daemon.coroq(["status", "--json"] + arguments, stdin: "")
                #expect(status.exitCode == 0, "\(status.stderr)")
                let tasks = try jsonObject(status.stdout)["tasks"] as? [[String: Any]] ?? []
                return tasks.compactMap { $0["id"] as? Int }.map(String.init)
            }
            #expect(try await ids("--label", "nightly") == [b, a])
            #expect(try await ids("--queue", "net") == [c, b])
            #expect(try await ids("--queue", "net", "--label", "nightly") == [b])
            #expect(try await ids("--state", "failed") == [failed])
            #expect(try await ids("--job", "noop") == [c, a])
            #expect(try await ids("--queue", "default", "--state", "succeeded") == [a])
            let bad = try await daemon.coroq("status", "--state", "done")
            #expect(bad.exitCode != 0 && bad.stderr.contains("'state' is 'done'"), "\(bad.stderr)")
            let table = try await daemon.coroq("status")
            #expect(table.stdout.contains("QUEUE"), "a QUEUE column once a task is in another queue")
            let show = try await daemon.coroq("show", b)
            #expect(show.stdout.contains("queue    net") && show.stdout.contains("label    nightly"), "\(show.stdout)")
        }
    }
}
