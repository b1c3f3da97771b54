import CoroqCore
import CoroqJobs
import Foundation
import Testing

/// The log file is written off the cooperative pool, one write at a time: stdout and stderr arriving
/// together still land in the file whole, and every chunk offered to followers carries the offset it was
/// written at.
@Suite(.timeLimit(.minutes(1)))
struct TaskOutputLogTests {
    let logs = temporaryDirectory()

    @Test func bothStreamsLandInTheFileAtTheOffsetsFollowersAreGiven() async throws {
        let hub = OutputHub()
        let (token, chunks) = hub.follow(TaskID(3))
        let job = ExecJob(logDirectory: logs, outputHub: hub)
        let output = try await job.run(
            .init(argv: ["sh", "-c", "seq 1 5000 & seq 5001 10000 >&2; wait"]), context: makeContext(3))
        hub.stop(TaskID(3), token: token)

        let file = try [UInt8](Data(contentsOf: URL(fileURLWithPath: output.log)))
        let lines = String(decoding: file, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }
        #expect(lines.sorted() == Array(1...10000), "every line of both streams, none cut or lost")
        var next: Int64 = 0
        for await chunk in chunks {
            #expect(chunk.offset == next, "chunks follow each other without a gap or an overlap")
            #expect(Array(file[Int(chunk.offset)..<Int(chunk.offset) + chunk.bytes.count]) == chunk.bytes)
            next = chunk.offset + Int64(chunk.bytes.count)
        }
        #expect(next == Int64(file.count))
    }

    /// A second attempt appends after the first one's output.
    @Test func aLaterAttemptAppends() async throws {
        let job = ExecJob(logDirectory: logs)
        _ = try await job.run(.init(argv: ["echo", "first"]), context: makeContext(4))
        let output = try await job.run(.init(argv: ["echo", "second"]), context: makeContext(4, attempt: 2))
        #expect(try String(contentsOfFile: output.log, encoding: .utf8) == "first\nsecond\n")
    }
}
