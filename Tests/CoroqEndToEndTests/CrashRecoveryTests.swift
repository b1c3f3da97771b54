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
        // Every third task is an exec that appends "task:attempt" (every seventh of those must not repeat),
        // so each attempt's side effect can be counted.
        let isExec = { (line: Int) in line % 3 == 1 }
        let isNoRepeat = { (line: Int) in line % 21 == 1 }
        let batch = (0..<count).map { line -> String in
            let onDone = #""on_done":"echo $COROQ_TASK_ID >> \#(callbacks)""#
            if isExec(line) {
                let noRepeat = isNoRepeat(line) ? #","no_repeat":true"# : ""
                return #"{"job":"exec","args":{"argv":["sh","-c","echo $COROQ_TASK_ID:$COROQ_ATTEMPT >> \#(runs)"]},\#(onDone)\#(noRepeat)}"#
            }
            return line % 3 == 0 ? #"{"job":"sleep","args":{"seconds":0.0\#(line % 5 + 1)},\#(onDone)}"#
                : #"{"job":"noop","args":{"line":\#(line)},\#(onDone)}"#
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
            #expect(crashed.status == .signaled(SIGKILL), "its log ends: \(crashed.log.suffix(2500))")
        }
        #expect(ids == Array(1...count))
        try await withDaemon(directory, arguments: ["--concurrency", "32"]) { daemon in
            // Thousands of tasks, many of them processes: longer than one CLI call's usual bound.
            let wait = try await daemon.coroq(["wait", "--all", "--json"], stdin: "", within: .seconds(150))
            #expect(wait.exitCode == 0, "\(wait.stderr)")
            // Callbacks of interrupted (no-repeat) tasks do not fire: they have no outcome yet.
            // (Read from the database: a `status` page holds at most 1000 tasks.)
            let finished = try await DatabaseQueue(path: directory.database).read { db in
                try Int.fetchAll(db, sql: "SELECT id FROM tasks WHERE state = 'succeeded'")
            }
            try await waitForLines(in: callbacks, covering: Set(finished))
        }

        let database = try DatabaseQueue(path: directory.database)
        let (tasks, attempts) = try await database.read { db in
            (try Row.fetchAll(db, sql: "SELECT id, state, attempts, repeatable FROM tasks ORDER BY id"),
             try Row.fetchAll(db, sql: "SELECT task_id, number, outcome FROM attempts ORDER BY task_id, number"))
        }
        #expect(tasks.count == count)
        let history = Dictionary(grouping: attempts, by: { $0["task_id"] as Int })
        let runsByAttempt = try countLines(runs)
        var cutOff = 0
        var reran = 0
        var waitingForAPerson = 0
        for task in tasks {
            let id: Int = task["id"]
            let line = id - 1
            let state: String = task["state"]
            let rows = history[id] ?? []
            let outcomes = rows.map { $0["outcome"] as String? }
            cutOff += outcomes.filter { $0 == "interrupted" }.count
            #expect(rows.count == task["attempts"] as Int)
            #expect(rows.map { $0["number"] as Int } == Array(stride(from: 1, through: rows.count, by: 1)))
            if state == "interrupted" {
                // A no-repeat task cut off by a crash waits for a person; it never ran again on its own.
                #expect(isNoRepeat(line), "task \(id) is interrupted but may repeat")
                #expect(outcomes.last == "interrupted" && rows.count == 1)
                waitingForAPerson += 1
            } else {
                // Exactly one recorded outcome, the last attempt; every earlier one was cut off by a crash.
                #expect(state == "succeeded", "task \(id) is \(state)")
                #expect(outcomes.last == "succeeded")
                #expect(outcomes.dropLast().allSatisfy { $0 == "interrupted" }, "task \(id): \(outcomes)")
            }
            guard isExec(line) else { continue }
            // Each attempt ran its command at most once, and no command ran outside a recorded attempt.
            let ran = runsByAttempt.filter { $0.key.hasPrefix("\(id):") }
            #expect(ran.values.allSatisfy { $0 == 1 }, "task \(id) ran an attempt twice: \(ran)")
            #expect(ran.keys.compactMap { Int($0.split(separator: ":")[1]) }.allSatisfy { (1...rows.count).contains($0) })
            if state == "succeeded" { #expect(ran["\(id):\(rows.count)"] == 1, "the recorded attempt of task \(id) did not run") }
            if isNoRepeat(line) { #expect(ran.count <= 1, "no-repeat task \(id) ran \(ran.count) times") }
            if ran.count > 1 { reran += 1 }
        }
        #expect(cutOff > 0, "the kills should have cut off some attempts")
        print("crash test: \(count) tasks, \(cutOff) attempts cut off by kill -9, \(reran) exec tasks ran again (each on a new recorded attempt), \(waitingForAPerson) no-repeat tasks interrupted")
    }

    /// `kill -9` during a large submit: the batch is all there or not at all, and all there when it was
    /// acknowledged.
    @Test func aKillDuringSubmitLeavesAllOrNothing() async throws {
        let count = 20000
        let batch = String(repeating: #"{"job":"sleep","args":{"seconds":30}}"# + "\n", count: count)
        var acknowledged = false
        try await withDaemon(directory) { daemon in
            async let submit = daemon.coroq(["submit", "--batch"], stdin: batch)
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...150)))
            daemon.kill9()
            let result = try await submit
            acknowledged = result.exitCode == 0
            if acknowledged { #expect(result.lines.count == count) }
        }
        let database = try DatabaseQueue(path: directory.database)
        let stored = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tasks") ?? -1 }
        #expect(stored == 0 || stored == count, "half a batch: \(stored) of \(count)")
        if acknowledged { #expect(stored == count) }
        print("kill during submit: acknowledged \(acknowledged), stored \(stored)")
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
