import Foundation
import Testing

/// Issue 11, part 6: `--key` against the real daemon. A key held by a kept task returns that task; another
/// job or other arguments under it are refused; two clients racing with one key get one task.
@Suite(.timeLimit(.minutes(1)))
struct KeyEndToEndTests {
    let directory = TestDirectory()

    @Test func aDuplicateKeyReturnsTheSameIdAndSaysSo() async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("submit", "--key", "nightly-backup", "sleep", "0.1").stdout == "1\n")
            let again = try await daemon.coroq("submit", "--key", "nightly-backup", "sleep", "0.1")
            #expect(again.exitCode == 0)
            #expect(again.stdout == "1\n")
            #expect(again.stderr == "coroq: task 1 already submitted with key nightly-backup\n")
            let json = try await daemon.coroq("submit", "--json", "--key", "nightly-backup", "sleep", "0.1")
            let line = try jsonObject(json.stdout)
            #expect(line["id"] as? Int == 1 && line["existing"] as? Bool == true)
            // Finished, it still holds its key while it is kept.
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)
            #expect(try await daemon.coroq("submit", "--key", "nightly-backup", "sleep", "0.1").stdout == "1\n")
            // A new key is a new task; a plain submit is untouched.
            #expect(try await daemon.coroq("submit", "--key", "other", "sleep", "0.1").stdout == "2\n")
            let plain = try await daemon.coroq("submit", "--json", "noop")
            #expect(plain.stdout == "{\"id\":3}\n")
            #expect(try await daemon.coroq("show", "1").stdout.contains("key      nightly-backup"))
        }
    }

    @Test func theSameKeyWithOtherArgumentsIsRefusedNamingTheTask() async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("submit", "--key", "k", "sleep", "0.1").stdout == "1\n")
            let other = try await daemon.coroq("submit", "--key", "k", "sleep", "2")
            #expect(other.exitCode == 1)
            #expect(other.stderr.contains("--key k: task 1 was submitted with that key and another job or other arguments"))
            let otherJob = try await daemon.coroq("submit", "--key", "k", "noop")
            #expect(otherJob.exitCode == 1)
            #expect(try await daemon.coroq("submit", "noop").stdout == "2\n", "the refusals stored nothing")
        }
    }

    @Test func aBatchRepeatingAKeyGetsOneTaskAndRefusesAConflict() async throws {
        try await withDaemon(directory) { daemon in
            let batch = try await daemon.coroq(["submit", "--batch", "--json"], stdin: """
                {"job": "noop", "key": "a"}
                {"job": "noop", "key": "b"}
                {"job": "noop", "key": "a"}
                {"job": "noop"}

                """)
            #expect(batch.exitCode == 0)
            let lines = try batch.lines.map(jsonObject)
            #expect(lines.map { $0["id"] as? Int } == [1, 2, 1, 3])
            #expect(lines.map { $0["existing"] as? Bool } == [nil, nil, true, nil])
            let conflict = try await daemon.coroq(["submit", "--batch"], stdin: """
                {"job": "noop", "key": "c"}
                {"job": "noop", "key": "c", "args": {"x": 1}}

                """)
            #expect(conflict.exitCode == 1)
            #expect(conflict.stderr.contains("line 2: --key c: the submit's task at index 0 (0 is the first) was submitted with that key"))
            #expect(try await daemon.coroq("submit", "noop").stdout == "4\n", "the refused batch stored nothing")
        }
    }

    @Test func clientsRacingWithOneKeyGetOneTask() async throws {
        try await withDaemon(directory) { daemon in
            let ids = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await daemon.coroq("submit", "--key", "race", "sleep", "0.1").stdout }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(ids.count == 8)
            #expect(Set(ids) == ["1\n"], "racing submits made more than one task: \(ids)")
            #expect(try await daemon.coroq("submit", "noop").stdout == "2\n")
        }
    }
}
