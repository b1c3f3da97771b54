import CoroqCore
import CoroqJobs
import Foundation
import Testing

/// An exec that coroqd cannot start for its own reasons fails with the true one, not the command's.
@Suite(.timeLimit(.minutes(1)))
struct ExecStartFailureTests {
    /// A log directory on a tmpfs with no inode left: opening the log fails with ENOSPC.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func noRoomForTheLogIsTheDaemonsFailure() async throws {
        let full = temporaryDirectory()
        try #require(mount("tmpfs", full, "tmpfs", 0, "size=64k,nr_inodes=1") == 0)
        defer { umount2(full, Int32(MNT_DETACH)) }
        do {
            _ = try await ExecJob(logDirectory: full).run(.init(argv: ["true"]), context: makeContext(9))
            Issue.record("an exec without a log must not run")
        } catch let error as TaskError {
            #expect(error.code == "daemon_resources")
            #expect(error.message.contains("No space left on device"), "\(error.message)")
            #expect(!error.message.contains("permission"))
        }
    }

    @Test func aLogDirectoryThatIsAFileSaysSo() async throws {
        let file = temporaryDirectory() + "/plain-file"
        FileManager.default.createFile(atPath: file, contents: Data())
        do {
            _ = try await ExecJob(logDirectory: file).run(.init(argv: ["true"]), context: makeContext(9))
            Issue.record("an exec without a log must not run")
        } catch let error as TaskError {
            #expect(error.code == "output_log_failed")
            #expect(error.message.contains("Not a directory"), "\(error.message)")
        }
    }
}
