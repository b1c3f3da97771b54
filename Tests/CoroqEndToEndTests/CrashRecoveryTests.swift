import Foundation
import GRDB
import Testing

/// The durability contract under `kill -9` at random moments: every task reaches exactly one outcome, no
/// task whose outcome was recorded runs again, every cut-off attempt is in the history, and every
/// done-callback fires.
@Suite(.timeLimit(.minutes(3)))
struct CrashRecoveryTests {
    let directory = TestDirectory()

    @Test func killNineAtRandomMomentsLosesNothingAndRepeatsNothingUnrecorded() async throws {
        let count = 3000
        let runs = directory.file("runs.txt")
        let callbacks = directory.file("callbacks.txt")
        // One task per line; exec tasks append their line's tag, so side effects can be counted per task.
        let batch = (0..<count).map { line -> String in
            let onDone = #""on_done":"echo $COROQ_TASK_ID >> \#(callbacks)""#
            switch line % 3 {
            case 0: return #"{"job":"sleep","args":{"seconds":0.0\#(line % 5 + 1)},\#(onDone)}"#
            case 1: return #"{"job":"exec","args":{"argv":["sh","-c","echo t\#(line) >> \#(runs)"]},\#(onDone)}"#
            default: return #"{"job":"noop","args":{"line":\#(line)},\#(onDone)}"#
            }
        }.joined(separator: "\n")
        var ids: [Int] = []
        var generator = SystemRandomNumberGenerator()
        for round in 0..<4 {
            let crashed = try await withDaemon(directory, arguments: ["--concurrency", "32"]) { daemon in
                if round == 0 {
                    let submitted = try await daemon.coroq(["submit", "--batch"], stdin: batch)
                    #expect(submitted.exitCode == 0, "\(submitted.stderr)")
                    ids = submitted.lines.compactMap { Int($0) }
                }
                // The scenario: the daemon dies at a random moment while tasks run.
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...400, using: &generator)))
                daemon.kill9()
            }
            #expect(crashed.status == .signaled(SIGKILL))
        }
        #expect(ids == Array(1...count))
        try await withDaemon(directory, arguments: ["--concurrency", "32"]) { daemon in
            let wait = try await daemon.coroq("wait", "--all", "--json")
            #expect(wait.exitCode == 0, "\(wait.stderr)")
            try await waitForLines(in: callbacks, covering: Set(ids))
        }

        let database = try DatabaseQueue(path: directory.database)
        let (states, attempts) = try await database.read { db in
            (try Row.fetchAll(db, sql: "SELECT id, state, attempts FROM tasks ORDER BY id"),
             try Row.fetchAll(db, sql: "SELECT task_id, number, outcome FROM attempts ORDER BY task_id, number"))
        }
        #expect(states.count == count)
        #expect(states.allSatisfy { ($0["state"] as String) == "succeeded" })
        let history = Dictionary(grouping: attempts, by: { $0["task_id"] as Int })
        let interrupted = attempts.filter { ($0["outcome"] as String?) == "interrupted" }.count
        var ranTwice = 0
        let linesPerTag = try countLines(runs)
        for task in states {
            let id: Int = task["id"]
            let rows = history[id] ?? []
            // Exactly one recorded outcome, the last attempt; every earlier one was cut off by a crash.
            #expect(rows.count == task["attempts"] as Int)
            #expect(rows.map { $0["number"] as Int } == Array(1...rows.count))
            #expect(rows.last?["outcome"] as String? == "succeeded")
            #expect(rows.dropLast().allSatisfy { ($0["outcome"] as String?) == "interrupted" }, "task \(id): \(rows)")
            let line = id - 1
            if line % 3 == 1 {
                let ran = linesPerTag["t\(line)"] ?? 0
                // It ran at least once, and never more often than its attempts: no run after the recorded one.
                #expect(ran >= 1 && ran <= rows.count, "task \(id) ran \(ran) times in \(rows.count) attempts")
                if ran > 1 { ranTwice += 1 }
            }
        }
        #expect(interrupted > 0, "the kills should have cut off some attempts")
        print("crash test: \(count) tasks, \(interrupted) attempts cut off by kill -9, \(ranTwice) exec tasks ran again after a crash (each one recorded as an interrupted attempt)")
    }

    /// Counts the lines of a file by their text.
    private func countLines(_ path: String) throws -> [String: Int] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").reduce(into: [:]) { $0[String($1), default: 0] += 1 }
    }

    /// On-done commands run after `wait` returns: polls their output file until every task is in it.
    private func waitForLines(in path: String, covering ids: Set<Int>) async throws {
        for _ in 0..<3000 {
            let seen = Set(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) })
            if ids.isSubset(of: seen) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        let seen = Set(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) })
        Issue.record("on-done never fired for \(ids.subtracting(seen).sorted().prefix(20))")
    }
}
