import Foundation
import Subprocess
import SystemPackage
import Testing

/// One daemon per database file, whatever name reaches it; nothing created before a daemon knows it may run;
/// every file it creates private to its user whatever the umask (issue 12).
@Suite(.timeLimit(.minutes(1)))
struct SingleDaemonTests {
    let directory = TestDirectory()

    /// Starts a second `coroqd` on `database` (and a socket of its own) and returns how it ended.
    func secondDaemon(database: String, socket: String? = nil) async throws -> (status: TerminationStatus, stderr: String) {
        let result = try await Subprocess.run(
            .path(Binaries.coroqd),
            arguments: Arguments(["--socket", socket ?? directory.file("second.sock"), "--db", database]),
            output: .discarded, error: .string(limit: 1 << 16))
        return (result.terminationStatus, result.standardError)
    }

    @Test(arguments: ["symlink", "hard link"])
    func aSecondDaemonThroughALinkIsRefusedAndTheFirstGoesOn(link kind: String) async throws {
        try await withDaemon(directory) { daemon in
            #expect(try await daemon.coroq("submit", "exec", "--", "sleep", "30").stdout == "1\n")
            _ = try await daemon.log.line(containing: "task=1", "spawned")
            let alias = directory.file("alias.db")
            let linked = kind == "symlink" ? symlink(directory.database, alias) : link(directory.database, alias)
            #expect(linked == 0)
            let second = try await secondDaemon(database: alias)
            #expect(second.status == .exited(1))
            #expect(second.stderr.contains("another coroqd is already using this database file"), "\(second.stderr)")
            // The first daemon's running task was not taken for a crash's leftover.
            let show = try jsonObject(try await daemon.coroq("show", "1", "--json").stdout)
            let task = try #require(show["task"] as? [String: Any])
            #expect(task["state"] as? String == "running")
            #expect(task["attempts"] as? Int == 1)
            #expect(!FileManager.default.fileExists(atPath: directory.file("second.sock")))
            #expect(!FileManager.default.fileExists(atPath: alias + "-wal"), "the second daemon opened no WAL of its own")
            #expect(try await daemon.coroq("cancel", "1").exitCode == 0)
        }
    }

    @Test func aDaemonRefusedForItsSocketCreatesNoDatabase() async throws {
        try await withDaemon(directory) { _ in
            let other = directory.file("other/coroq.db")
            let second = try await secondDaemon(database: other, socket: directory.socket)
            #expect(second.status == .exited(1))
            #expect(second.stderr.contains("another coroqd is already serving"))
            #expect(!FileManager.default.fileExists(atPath: directory.file("other")), "nothing was created")
        }
    }

    /// Under a umask of 022 the database, its WAL and SHM, task logs and a backup are all 0600.
    @Test func everyFileTheDaemonCreatesIsPrivate() async throws {
        let previous = umask(0o022)
        defer { umask(previous) }
        let backup = directory.file("copy.db")
        try await withDaemon(directory) { daemon in
            _ = try await daemon.coroq("submit", "exec", "--", "echo", "secret")
            #expect(try await daemon.coroq("wait", "--all").exitCode == 0)
            #expect(try await daemon.coroq("backup", backup).exitCode == 0)
            let refused = try await daemon.coroq("backup", backup)
            #expect(refused.exitCode != 0 && refused.stderr.contains("does not overwrite"))
            let state = (directory.database as NSString).deletingLastPathComponent
            for path in [directory.database, directory.database + "-wal", directory.database + "-shm", "\(state)/logs/1.log", backup] {
                #expect(mode(of: path) == 0o600, "\(path) is \(String(mode(of: path) ?? 0, radix: 8))")
            }
            #expect(mode(of: state) == 0o700)
            #expect(mode(of: "\(state)/logs") == 0o700)
        }
    }

    private func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }
}
