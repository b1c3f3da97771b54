import Foundation
import Subprocess
import SystemPackage
import Testing

/// Child tasks through the real binaries: `exec` scripts that `coroq spawn` children and `coroq wait` on
/// them; cancel reaching the tree (no process left); a parent re-run after `kill -9` getting the same
/// children back; a cancel accepted just before a crash holding after the restart.
@Suite(.timeLimit(.minutes(3)))
struct ChildrenTests {
    let directory = TestDirectory()

    private var path: String { "\(Binaries.directory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")" }

    @Test func aParentWithThreeChildrenThatSucceedFinishesAfterThem() async throws {
        let effects = directory.file("effects")
        let script = """
            for n in 1 2 3; do coroq spawn exec -- sh -c "echo child$n >> \(effects)"; done > \(directory.file("ids"))
            coroq wait $(cat \(directory.file("ids")))
            """
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let wait = try await daemon.coroq("wait", id)
            #expect(wait.exitCode == 0, "\(wait.stdout) \(wait.stderr)")
            let detail = try jsonObject(try await daemon.coroq("show", id, "--json").stdout)
            let children = try #require((detail["task"] as? [String: Any])?["children"] as? [Int])
            #expect(children.count == 3)
            let tree = try #require(detail["tree"] as? [[String: Any]])
            #expect(tree.map { $0["state"] as? String } == ["succeeded", "succeeded", "succeeded"])
            let child = try jsonObject(try await daemon.coroq("status", "\(children[0])", "--json").stdout)
            let info = try #require((child["tasks"] as? [[String: Any]])?.first)
            #expect(info["parent"] as? Int == Int(id))
            #expect(try #require(info["finished_at"] as? Double) <= (detail["task"] as? [String: Any])?["finished_at"] as? Double ?? 0)
            let shown = try await daemon.coroq("show", id).stdout
            #expect(shown.contains("children\n  \(children[0])  exec  succeeded"), "\(shown)")
            let status = try await daemon.coroq("status").stdout
            #expect(status.contains("PARENT"), "\(status)")
        }
        #expect(try String(contentsOfFile: effects, encoding: .utf8).split(separator: "\n").sorted() == ["child1", "child2", "child3"])
    }

    @Test func aChildThatFailsIsCaughtByItsParent() async throws {
        let script = """
            ok=$(coroq spawn exec -- true); bad=$(coroq spawn exec -- sh -c 'exit 3')
            if coroq wait "$ok" "$bad" > /dev/null; then echo "no failure"; else echo "caught $?"; fi
            """
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let wait = try await daemon.coroq("wait", id)
            #expect(wait.exitCode == 0, "the parent caught the failure and succeeded: \(wait.stdout) \(wait.stderr)")
            #expect(try await daemon.coroq("logs", id).stdout == "caught 2\n")
            let shown = try await daemon.coroq("show", id).stdout
            #expect(shown.contains("exec  failed  exited with status 3"), "\(shown)")
        }
    }

    /// The children and the parent run `sleep 60.25`; `coroq cancel` of the parent returns once every one
    /// is recorded cancelled, and by then none of their processes is left.
    @Test func cancellingAParentCancelsItsChildrenAndLeavesNoProcess() async throws {
        let at = directory.file("at")
        #expect(mkfifo(at, 0o600) == 0)
        let script = """
            for n in 1 2 3; do coroq spawn exec -- sh -c 'echo up > \(at); exec sleep 60.25' > /dev/null; done
            exec sleep 60.25
            """
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await fifo(readLines: 3, from: at)  // every child runs
            let cancel = try await daemon.coroq("cancel", id, "--reason", "enough")
            #expect(cancel.exitCode == 0, "\(cancel.stderr)")
            #expect(ProcessTable.live(["sleep", "60.25"]).isEmpty, "a process of the tree was left running")
            let detail = try jsonObject(try await daemon.coroq("show", id, "--json").stdout)
            #expect(((detail["task"] as? [String: Any])?["error"] as? [String: Any])?["message"] as? String == "enough")
            let tree = try #require(detail["tree"] as? [[String: Any]])
            #expect(tree.count == 3)
            #expect(tree.allSatisfy { $0["state"] as? String == "cancelled" })
            #expect(tree.allSatisfy { ($0["error"] as? [String: Any])?["message"] as? String == "parent \(id) cancelled: enough" })
            let status = try await daemon.coroq("status").stdout
            #expect(status.contains("parent \(id) cancelled: enough"), "the reason is shown: \(status)")
        }
    }

    /// kill -9 while the children run: the re-run parent's `coroq spawn`s return the same ids, and no
    /// new task is stored.
    @Test func aParentRerunAfterKill9GetsTheSameChildrenBack() async throws {
        let (at, go, ids) = (directory.file("at"), directory.file("go"), directory.file("ids"))
        #expect(mkfifo(at, 0o600) == 0)
        let script = """
            for n in 1 2 3; do coroq spawn exec -- sh -c 'while [ ! -e \(go) ]; do sleep 0.05; done'; done >> \(ids)
            echo spawned > \(at)
            coroq wait $(tail -n 3 \(ids))
            """
        var id = ""
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await fifo(readLines: 1, from: at)
            let spawned = try String(contentsOfFile: ids, encoding: .utf8).split(separator: "\n")
            for child in spawned { _ = try await daemon.log.line(containing: "started", "task=\(child)") }
            daemon.kill9()
        }
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            try await fifo(readLines: 1, from: at)  // the re-run parent got past its spawns
            FileManager.default.createFile(atPath: go, contents: nil)
            let wait = try await daemon.coroq("wait", id)
            #expect(wait.exitCode == 0, "\(wait.stdout) \(wait.stderr)")
            let status = try jsonObject(try await daemon.coroq("status", "--json").stdout)
            #expect((status["tasks"] as? [Any])?.count == 4, "the parent and its three children, no more")
            let parent = try jsonObject(try await daemon.coroq("show", id, "--json").stdout)
            #expect((parent["task"] as? [String: Any])?["attempts"] as? Int == 2)
        }
        let lines = try String(contentsOfFile: ids, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 6)
        #expect(Array(lines.prefix(3)) == Array(lines.suffix(3)), "the re-run got other children: \(lines)")
    }

    /// The child ignores SIGTERM, so the cancel waits for its SIGKILL 2 s later: the daemon is killed in
    /// between, after it logged that the cancel was recorded. After the restart both are cancelled (not run
    /// again), and the child's process is gone.
    @Test func aCancelAcceptedJustBeforeACrashHoldsAfterTheRestart() async throws {
        let at = directory.file("at")
        #expect(mkfifo(at, 0o600) == 0)
        let child = "trap '' TERM; echo up > \(at); while :; do sleep 0.05; done"
        let script = "coroq spawn exec -- sh -c \"\(child)\" > /dev/null; exec sleep 60.5"
        var id = ""
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            try await fifo(readLines: 1, from: at)
            let (socket, parent) = (directory.socket, id)
            let cancel = Task { try await runCoroq(["cancel", parent, "--reason", "stop"], socket: socket) }
            _ = try await daemon.log.line(containing: "cancel requested", "task=\(id)")
            daemon.kill9()
            _ = try await cancel.value
        }
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            _ = try await daemon.log.line(containing: "recorded cancelled")
            let detail = try jsonObject(try await daemon.coroq("show", id, "--json").stdout)
            let task = try #require(detail["task"] as? [String: Any])
            #expect(task["state"] as? String == "cancelled")
            #expect((task["error"] as? [String: Any])?["message"] as? String == "stop")
            #expect(task["attempts"] as? Int == 1, "it did not run again")
            let tree = try #require(detail["tree"] as? [[String: Any]])
            #expect(tree.first?["state"] as? String == "cancelled")
            #expect((tree.first?["error"] as? [String: Any])?["message"] as? String == "parent \(id) cancelled: stop")
            #expect(ProcessTable.live(["sh", "-c", child]).isEmpty, "the child's process was left running")
            #expect(ProcessTable.live(["sleep", "60.5"]).isEmpty, "the parent's process was left running")
        }
    }

    @Test func aSpawnOfAnUnknownJobIsRefusedAndOutsideATaskItIsAUsageError() async throws {
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "coroq spawn nope; echo \"status $?\"")
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await daemon.coroq("wait", id)
            let log = try await daemon.coroq("logs", id).stdout
            #expect(log.contains("unknown job 'nope'") && log.contains("status 1\n"), "\(log)")
            let status = try jsonObject(try await daemon.coroq("status", "--json").stdout)
            #expect((status["tasks"] as? [Any])?.count == 1, "nothing was stored")
            let finished = try await Subprocess.run(
                .path(Binaries.coroq), arguments: ["spawn", "noop"],
                environment: .inherit.updating(["COROQ_TASK_ID": id, "COROQ_SOCKET": directory.socket]),
                output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
            #expect(finished.terminationStatus == .exited(1), "a spawn from a finished task")
            #expect(finished.standardError.contains("task \(id) is succeeded"), "\(finished.standardError)")
        }
        let outside = try await Subprocess.run(
            .path(Binaries.coroq), arguments: ["spawn", "noop"],
            environment: .inherit.updating(["COROQ_TASK_ID": nil, "COROQ_SOCKET": directory.socket]),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(outside.terminationStatus == .exited(64))
        #expect(outside.standardError.contains("COROQ_TASK_ID is not set"), "\(outside.standardError)")
    }

    /// Reads a FIFO until `count` lines came (each `cat` returns once its writers closed), within 40 s.
    private func fifo(readLines count: Int, from path: String) async throws {
        try await withDeadline(.seconds(40)) {
            var lines = 0
            while lines < count {
                let text = try await Subprocess.run(.path("/bin/cat"), arguments: [path], output: .string(limit: 1024)).standardOutput
                lines += text.split(separator: "\n").count
            }
        }
    }
}
