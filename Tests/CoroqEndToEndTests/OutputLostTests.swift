import Foundation
import Subprocess
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
            _ = try await daemon.log.line(containing: "task output is being lost", "No space left on device")
        }
    }

    /// Three tasks losing output on a full disk make one warning, not three; once space is freed, the next
    /// task's output is written and one line says the episode is over, with its count of tasks.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullDiskIsLoggedOncePerEpisode() async throws {
        let logs = directory.file("state/logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try #require(mount("tmpfs", logs, "tmpfs", 0, "size=1m") == 0)
        defer { umount2(logs, Int32(MNT_DETACH)) }
        // The disk is full before the daemon starts.
        let filler = "\(logs)/filler"
        _ = try await Subprocess.run(.path("/bin/sh"), arguments: ["-c", "head -c 2097152 /dev/zero > \(filler)"], output: .discarded, error: .discarded)
        try #require(((try FileManager.default.attributesOfItem(atPath: filler))[.size] as? Int ?? 0) > 1_000_000)
        try await withDaemon(directory) { daemon in
            for _ in 1 ... 3 {
                _ = try await daemon.coroq("submit", "exec", "--", "sh", "-c", "yes 0123456789 | head -c 20000")
            }
            #expect(try await daemon.coroq("wait", "1", "2", "3").exitCode == 0)
            for id in 1 ... 3 {
                let result = try await daemon.coroq("result", "\(id)")
                let value = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
                #expect(value?["output_lost_bytes"] as? Int == 20000, "\(result.stdout.prefix(300))")
            }
            try FileManager.default.removeItem(atPath: filler)
            _ = try await daemon.coroq("submit", "exec", "--", "echo", "room again")
            #expect(try await daemon.coroq("wait", "4").exitCode == 0)
            _ = try await daemon.log.line(containing: "task output is written again", "tasks_that_lost_output=3", "bytes_lost=60000")
            let log = await daemon.log.text
            #expect(log.components(separatedBy: "task output is being lost").count - 1 == 1, "\(log)")
        }
    }
}
