import Foundation
import Testing

/// `coroq wait` prints every task exactly once, whole lines, however the daemon batches its pushes and the
/// CLI its writes.
@Suite(.timeLimit(.minutes(1)))
struct WaitOutputTests {
    let directory = TestDirectory()

    @Test func aPlainWaitPrintsOneLinePerTask() async throws {
        try await withDaemon(directory) { daemon in
            let batch = (0..<2000).map { #"{"job":"noop","args":{"n":\#($0)}}"# }.joined(separator: "\n")
            let submitted = try await daemon.coroq(["submit", "--batch"], stdin: batch)
            let ids = submitted.lines.compactMap { Int($0) }
            #expect(ids.count == 2000)
            let plain = try await daemon.coroq(["wait"] + ids.map(String.init), stdin: "")
            #expect(plain.exitCode == 0, "\(plain.stderr)")
            let printed = plain.lines.map { $0.split(separator: " ", omittingEmptySubsequences: true) }
            #expect(printed.count == ids.count)
            #expect(Set(printed.compactMap { $0.first.flatMap { Int($0) } }) == Set(ids))
            #expect(printed.allSatisfy { $0.count >= 3 && $0[1] == "succeeded" && $0[2] == "noop" })
        }
    }

    @Test func aJSONWaitPrintsOneTaskPerLineThenTheAnswer() async throws {
        try await withDaemon(directory) { daemon in
            let batch = (0..<1000).map { _ in #"{"job":"noop"}"# }.joined(separator: "\n")
            _ = try await daemon.coroq(["submit", "--batch"], stdin: batch)
            let wait = try await daemon.coroq(["wait", "--all", "--json"], stdin: "")
            #expect(wait.exitCode == 0, "\(wait.stderr)")
            let objects = try wait.lines.map { try jsonObject($0) }
            let answer = try #require(objects.last)
            let tasks = objects.dropLast()
            #expect(tasks.allSatisfy { $0["state"] as? String == "succeeded" && $0["job"] as? String == "noop" })
            let done = answer["done"] as? [Int] ?? []
            #expect(Set(tasks.compactMap { $0["id"] as? Int }) == Set(done))
            #expect(tasks.count == done.count)
        }
    }
}
