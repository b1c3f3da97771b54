import CoroqCore
import CoroqJobs
import Foundation
import Testing

/// Output a full disk kept out of the log is counted in the result; the command's exit still decides.
@Suite(.timeLimit(.minutes(1)))
struct ExecOutputLostTests {
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func aFullLogCountsWhatItLost() async throws {
        let small = temporaryDirectory()
        try #require(mount("tmpfs", small, "tmpfs", 0, "size=64k") == 0)
        defer { umount2(small, Int32(MNT_DETACH)) }  // detached: a fork of a concurrent test may hold a copy of the log for a moment
        let output = try await ExecJob(logDirectory: small)
            .run(.init(argv: ["sh", "-c", "yes 0123456789 | head -c 300000; echo end"]), context: makeContext(2))
        #expect(output.exitStatus == 0)
        let lost = try #require(output.outputLostBytes)
        let kept = try FileManager.default.attributesOfItem(atPath: output.log)[.size] as? Int ?? -1
        #expect(lost + kept == 300_004, "every byte is either in the file or counted lost")
        #expect(output.outputLostError?.contains("No space left on device") == true)
        #expect(output.stdout.hasSuffix("end\n"))
    }

    @Test func nothingLostNothingSaid() async throws {
        let output = try await ExecJob(logDirectory: temporaryDirectory()).run(.init(argv: ["echo", "hi"]), context: makeContext(2))
        #expect(output.outputLostBytes == nil && output.outputLostError == nil)
    }
}
