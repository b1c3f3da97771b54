import Foundation
import GRDB
import Subprocess
import SystemPackage
import Testing

/// The durability commands through the real CLI: batch submit, no-repeat and interrupted, retry, cancel,
/// show, clean, backup, and start-up refusals of the real daemon.
@Suite(.timeLimit(.minutes(1)))
struct DurabilityCommandTests {
    let directory = TestDirectory()

    @Test func batchSubmitIsAllOrNothingWithLineNumbers() async throws {
        try await withDaemon(directory) { daemon in
            let good = try await daemon.coroq(["submit", "--batch"], stdin: """
                {"job":"noop","args":{"n":1}}

                {"job":"sleep","args":{"seconds":0}}
                {"job":"exec","args":{"argv":["true"]},"no_repeat":true}
                """)
            #expect(good.exitCode == 0)
            #expect(good.stdout == "1\n2\n3\n")
            let badJSON = try await daemon.coroq(["submit", "--batch"], stdin: "{\"job\":\"noop\"}\n{oops\n")
            #expect(badJSON.exitCode == 64)
            #expect(badJSON.stderr.contains("line 2: not a JSON object"))
            let badJob = try await daemon.coroq(["submit", "--batch"], stdin: "{\"job\":\"noop\"}\n{\"job\":\"sleep\",\"args\":{\"seconds\":\"soon\"}}\n")
            #expect(badJob.exitCode == 1)
            #expect(badJob.stderr.contains("line 2: invalid arguments for job 'sleep'"))
            // Nothing of either bad batch was stored.
            let status = try jsonObject(try await daemon.coroq("status", "--json").stdout)
            #expect((status["tasks"] as? [Any])?.count == 3)
            let show = try jsonObject(try await daemon.coroq("show", "3", "--json").stdout)
            #expect((show["task"] as? [String: Any])?["repeatable"] as? Bool == false)
        }
    }

    /// A no-repeat task running at a crash is `interrupted`, never run again on its own; a person retries
    /// or cancels it, and `show` tells the story.
    @Test func aNoRepeatTaskWaitsForAPersonAfterACrash() async throws {
        let marker = directory.file("ran.txt")
        let ran = directory.file("ran.fifo")  // the test reads it once per run of task 1: "it has written"
        #expect(mkfifo(ran, 0o600) == 0)
        func taskOneHasRun() async throws {
            _ = try await Subprocess.run(.path("/bin/cat"), arguments: [ran], output: .discarded)
        }
        try await withDaemon(directory) { daemon in
            let one = try await daemon.coroq(
                "submit", "--no-repeat", "exec", "--", "sh", "-c", "echo run >> \(marker); echo > \(ran); sleep 30")
            let two = try await daemon.coroq("submit", "--no-repeat", "exec", "--", "sh", "-c", "sleep 30")
            #expect(one.stdout == "1\n" && two.stdout == "2\n")
            try await taskOneHasRun()
            _ = try await daemon.log.line(containing: "task=2", "spawned")
            daemon.kill9()
        }
        try await withDaemon(directory, arguments: ["--shutdown-grace", "0"]) { daemon in
            _ = try await daemon.log.line(containing: "must not run twice", "tasks=1,2")
            let status = try await daemon.coroq("status")
            #expect(status.stdout.contains("interrupted 2"))
            let show = try await daemon.coroq("show", "1")
            #expect(show.stdout.contains("#1") && show.stdout.contains("interrupted"))
            #expect(show.stdout.contains("(no-repeat)"))

            let cancel = try await daemon.coroq("cancel", "2", "--reason", "checked by hand")
            #expect(cancel.exitCode == 0 && cancel.stdout.contains("cancelled"))
            // (A cancelled task may be retried as a new attempt since issue 11: DelaysRetriesTests.)

            // The crash left task 1's process running (it is let finish): no retry may overlap it.
            let refused = try await daemon.coroq("retry", "1")
            #expect(refused.exitCode == 1 && refused.stderr.contains("still runs"))
            let group = try #require(refused.stderr.split(separator: "process group ").last?.prefix { $0.isNumber }).description
            kill(-(Int32(group) ?? 0), SIGKILL)
            // Waits for the killed leader to be gone.
            _ = try await Subprocess.run(.path("/usr/bin/tail"), arguments: ["--pid=\(group)", "-s", "0.02", "-f", "/dev/null"], output: .discarded)
            #expect(try await daemon.coroq("retry", "1").stdout == "1  queued\n")
            try await taskOneHasRun()
            let stop = try await daemon.coroq("cancel", "1")
            #expect(stop.exitCode == 0)
            let detail = try jsonObject(try await daemon.coroq("show", "1", "--json").stdout)
            let attempts = detail["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.map { $0["outcome"] as? String } == ["interrupted", "cancelled"])
            #expect((detail["task"] as? [String: Any])?["state"] as? String == "cancelled")
        }
        let runs = try String(contentsOfFile: marker, encoding: .utf8)
        #expect(runs == "run\nrun\n", "once before the crash, once after the person's retry")
    }

    /// Cancelling a running exec kills it promptly and records the reason; a finished task cannot be.
    @Test func cancelStopsARunningTask() async throws {
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "sleep", "30")
            _ = try await daemon.log.line(containing: "task=1", "started")
            let clock = ContinuousClock()
            let start = clock.now
            let cancel = try await daemon.coroq("cancel", "1", "--reason", "not needed", "--json")
            #expect(clock.now - start < .seconds(5))
            let task = try jsonObject(cancel.stdout)
            #expect(task["state"] as? String == "cancelled")
            #expect((task["error"] as? [String: Any])?["message"] as? String == "not needed")
            let wait = try await daemon.coroq("wait", "1")
            #expect(wait.exitCode == 2)
            let again = try await daemon.coroq("cancel", "1")
            #expect(again.exitCode == 1 && again.stderr.contains("task is cancelled"))
        }
    }

    /// A sleeping task waits in the scheduler's timer heap; a cancel still reaches it, with its reason and
    /// its attempt closed.
    @Test func cancelStopsASleepingTask() async throws {
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "sleep", "3600")
            _ = try await daemon.log.line(containing: "task=1", "started")
            let cancel = try await daemon.coroq("cancel", "1", "--reason", "not needed", "--json")
            let task = try jsonObject(cancel.stdout)
            #expect(task["state"] as? String == "cancelled")
            #expect((task["error"] as? [String: Any])?["message"] as? String == "not needed")
            let detail = try jsonObject(try await daemon.coroq("show", "1", "--json").stdout)
            let attempts = try #require(detail["attempts"] as? [[String: Any]])
            #expect(attempts.map { $0["outcome"] as? String } == ["cancelled"])
            #expect(try await daemon.coroq("wait", "1").exitCode == 2)
        }
    }

    @Test func cleanAndBackup() async throws {
        let backup = directory.file("copy.db")
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq(["submit", "--batch"], stdin: String(repeating: "{\"job\":\"noop\"}\n", count: 5))
            #expect(try await daemon.coroq("wait", "--all").exitCode == 0)
            let written = try await daemon.coroq("backup", backup)
            #expect(written.exitCode == 0 && written.stdout.hasPrefix(backup))
            #expect(try await daemon.coroq("backup", backup).exitCode == 1)  // never overwrites
            #expect(try await daemon.coroq("clean", "--older-than", "1h").stdout == "deleted 0 tasks\n")
            #expect(try await daemon.coroq("clean", "--state", "failed").stdout == "deleted 0 tasks\n")
            #expect(try await daemon.coroq("clean").stdout == "deleted 5 tasks\n")
            #expect(try await daemon.coroq("status", "1").exitCode == 1)
        }
        // The copy is a coroq database that a daemon can start on, with the 5 tasks in it.
        let copy = TestDirectory()
        try FileManager.default.createDirectory(atPath: copy.path + "/state", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backup, toPath: copy.database)
        try await withDaemon(copy) { daemon in
            let status = try await daemon.coroq("status")
            #expect(status.stdout.contains("succeeded 5"))
        }
    }

    enum DamagedDatabase: String, CaseIterable, Sendable {
        case notSQLite, truncated, newerSchema
    }

    /// The real daemon refuses a file it must not use, says why, exits non-zero, and leaves it unchanged.
    @Test(arguments: DamagedDatabase.allCases)
    func theDaemonRefusesADatabaseItMustNotUse(_ damage: DamagedDatabase) async throws {
        try FileManager.default.createDirectory(atPath: directory.path + "/state", withIntermediateDirectories: true)
        let expected: String
        switch damage {
        case .notSQLite:
            try Data("my notes\n".utf8).write(to: URL(fileURLWithPath: directory.database))
            expected = "it is not an SQLite database"
        case .truncated, .newerSchema:
            try await withDaemon(directory) { daemon in
                _ = try await daemon.coroq(["submit", "--batch"], stdin: String(repeating: #"{"job":"noop","args":{"pad":"\#(String(repeating: "x", count: 500))"}}"# + "\n", count: 500))
            }
            let database = try DatabaseQueue(path: directory.database)
            if damage == .newerSchema {
                try await database.write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')") }
            }
            try await database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try database.close()
            if damage == .truncated {
                let whole = try Data(contentsOf: URL(fileURLWithPath: directory.database))
                try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: directory.database))
            }
            expected = damage == .newerSchema ? "newer coroq" : "refusing to use"
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.database))
        let result = try await Subprocess.run(
            .path(Binaries.coroqd), arguments: ["--socket", directory.socket, "--db", directory.database],
            output: .discarded, error: .string(limit: 4096))
        #expect(result.terminationStatus == .exited(1))
        #expect(result.standardError.contains("refusing to use \(directory.database)"))
        #expect(result.standardError.contains(expected), "\(result.standardError)")
        #expect(result.standardError.contains("The file was not changed"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.database)) == before)
        #expect(!FileManager.default.fileExists(atPath: directory.socket))
    }

    /// `kill -9` leaves an `exec`'s process group running (its own session); the next start kills it before
    /// anything runs again, so a re-run never overlaps its orphan. (The re-run has the same command line:
    /// the orphan is followed by its pid.)
    @Test func aRestartKillsTheOrphansOfACrash() async throws {
        func running(_ pid: Int32) -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
            return stat.split(separator: ")").last?.split(separator: " ").first != "Z"
        }
        var orphan: Int32 = 0
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "sleep 30")
            let spawned = try await daemon.log.line(containing: "task=1", "spawned")
            orphan = Int32(spawned.split(separator: "pid=").last?.prefix { $0.isNumber } ?? "") ?? 0
            daemon.kill9()
        }
        #expect(orphan > 0 && running(orphan), "the orphan \(orphan) should outlive the killed daemon")
        try await withDaemon(directory, arguments: ["--shutdown-grace", "0"]) { daemon in
            _ = try await daemon.log.line(containing: "killed processes left running", "task=1", "process_group=\(orphan)")
            #expect(!running(orphan), "the orphan \(orphan) still runs")
        }
    }

    /// The daemon prunes finished tasks older than --retention on its own (at start-up, then on a timer),
    /// with their logs; unfinished tasks stay whatever their age.
    @Test func retentionPrunesOldFinishedTasks() async throws {
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "echo", "old")
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)
        }
        let log = directory.path + "/state/logs/1.log"
        #expect(FileManager.default.fileExists(atPath: log))
        try await Task.sleep(for: .milliseconds(1100))  // the scenario: task 1 is now older than 1 s
        try await withDaemon(directory, arguments: ["--retention", "1s"]) { daemon in
            _ = try await daemon.log.line(containing: "pruned finished tasks", "count=1")
            #expect(try await daemon.coroq("status", "1").exitCode == 1)
            #expect(!FileManager.default.fileExists(atPath: log))
        }
    }
}
