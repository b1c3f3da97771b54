import Foundation
import Testing

/// Issue 12, item 6: output that a full disk kept out of a task's log is recorded in its result and logged;
/// the task's state is still the command's.
@Suite(.timeLimit(.minutes(1)))
struct OutputLostTests {
    let directory = TestDirectory()

    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskMarksTheLostOutput() async throws {
        // The task logs (logs/ beside the database) on a 1 MiB tmpfs; the database on the ordinary disk.
        let logs = directory.file("state/logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try #require(mount("tmpfs", logs, "tmpfs", 0, "size=1m") == 0)
        defer { umount2(logs, Int32(MNT_DETACH)) }
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "yes 0123456789 | head -c 3000000; echo end")
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)
            let result = try await daemon.coroq("result", "1")
            #expect(result.exitCode == 0)
            let value = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let lost = try #require(value["output_lost_bytes"] as? Int, "\(result.stdout.prefix(500))")
            #expect((3_000_004 - 1_048_576)...3_000_004 ~= lost)
            #expect((value["output_lost_error"] as? String)?.contains("No space left on device") == true)
            #expect((value["stdout"] as? String)?.hasSuffix("end\n") == true)
            _ = try await daemon.log.line(containing: "output lost")
        }
    }
}
