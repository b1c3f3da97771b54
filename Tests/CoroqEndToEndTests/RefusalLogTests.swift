import Foundation
import GRDB
import Testing

/// Every refused request is logged once with its cause: what the client is told "the daemon's log says
/// more" about is there (issue 12, item 6).
@Suite(.timeLimit(.minutes(1)))
struct RefusalLogTests {
    let directory = TestDirectory()

    @Test func aSubmitRefusedForALockHeldOutsideIsLoggedWithItsCause() async throws {
        try await withDaemon(directory, arguments: ["--busy-timeout", "0.2"]) { daemon in
            var configuration = Configuration()
            configuration.allowsUnsafeTransactions = true  // the lock is held across accesses on purpose
            let holder = try DatabaseQueue(path: directory.database, configuration: configuration)
            try await holder.write { _ in }  // the file is open and in WAL mode
            try holder.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
            let refused = try await daemon.coroq("submit", "noop")
            try holder.inDatabase { try $0.execute(sql: "ROLLBACK") }
            #expect(refused.exitCode != 0)
            #expect(refused.stderr.contains("the daemon's log says more"), "\(refused.stderr)")
            let line = try await daemon.log.line(containing: "refused a request", "storage_failure")
            #expect(line.contains("another program holds a lock"), "\(line)")
            #expect(line.contains("method=submit"), "\(line)")
            // Once: one line for the one refused request.
            #expect(await daemon.log.text.components(separatedBy: "refused a request").count - 1 == 1)
            // The lock gone, the same submit goes through.
            #expect(try await daemon.coroq("submit", "noop").stdout == "1\n")
        }
    }
}
