import Foundation
import Testing

/// `coroq progress` in an `exec` task's script: the latest report shows in `status`, `show` and their
/// `--json`, and stays stored once the task is done.
@Suite(.timeLimit(.minutes(3)))
struct ProgressTests {
    let directory = TestDirectory()

    @Test func theLatestReportShowsInStatusAndShowAndIsKept() async throws {
        let path = "\(Binaries.directory):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"
        let script = """
            for i in 1 2 3 4; do coroq progress "${i}0%" "part $i" || exit 9; done
            coroq receive >/dev/null
            """
        try await withDaemon(directory, environment: ["PATH": path]) { daemon in
            let id = try await daemon.coroq("submit", "exec", "--", "sh", "-c", script).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await daemon.log.line(containing: "receive 1 of task \(id) waits")
            let status = try jsonObject(try await daemon.coroq("status", id, "--json").stdout)
            let task = try #require((status["tasks"] as? [[String: Any]])?.first)
            let progress = try #require(task["progress"] as? [String: Any], "\(task)")
            #expect(progress["fraction"] as? Double == 0.4)
            #expect(progress["note"] as? String == "part 4")
            #expect(try await daemon.coroq("status").stdout.contains("40% part 4"))
            #expect(try await daemon.coroq("send", id, "0").exitCode == 0)
            #expect(try await daemon.coroq("wait", id).exitCode == 0)
            let shown = try await daemon.coroq("show", id).stdout
            #expect(shown.contains("progress 40% part 4"), "\(shown)")
            let late = try await daemon.coroq(["progress", "0.5"], stdin: "")
            #expect(late.exitCode == 64, "outside a task: \(late.stderr)")
        }
    }
}
