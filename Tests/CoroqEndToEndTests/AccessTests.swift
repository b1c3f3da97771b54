import Foundation
import Subprocess
import SystemPackage
import Testing

/// Who may use the socket: its mode and group, and `allowed_users` checked with the peer's credentials.
/// Needs root (to run the CLI as another user); skipped otherwise.
@Suite(.timeLimit(.minutes(1)), .enabled(if: getuid() == 0, "runs the CLI as another user, which needs root"))
struct AccessTests {
    let directory = TestDirectory()
    let nobody: (uid: UInt32, gid: UInt32) = (65534, 65534)

    /// `coroq ARGUMENTS` as `user`, through `setpriv`: the privileges are dropped after exec, in a program
    /// with one thread. (swift-subprocess's `userID`/`groupID` options drop them in the forked child of this
    /// multithreaded test process, where glibc's `setgroups` can wait for ever on a thread that was being
    /// created at the fork; the stuck child then holds a copy of every descriptor the tests have open.)
    func coroqAs(_ user: (uid: UInt32, gid: UInt32), _ arguments: [String]) async throws -> (TerminationStatus, String) {
        let result = try await Subprocess.run(
            .path("/usr/bin/setpriv"),
            arguments: Arguments(["--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--", Binaries.coroq.string] + arguments),
            environment: .custom(["COROQ_SOCKET": directory.socket, "PATH": "/usr/bin:/bin"]),
            output: .discarded, error: .string(limit: 4096))
        return (result.terminationStatus, result.standardError)
    }

    @Test func modeAndGroupAndAllowedUsers() async throws {

        let config = directory.file("coroqd.toml")
        try """
            socket_mode = "0666"
            socket_group = "nogroup"
            allowed_users = ["root"]
            """.write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            var info = stat()
            #expect(stat(directory.socket, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o666)
            #expect(info.st_gid == nobody.gid)
            // The mode lets `nobody` connect; allowed_users does not.
            let (status, stderr) = try await coroqAs(nobody, ["status"])
            #expect(status == .exited(1))
            #expect(stderr.contains("user 65534 is not allowed to use this coroqd"), "\(stderr)")
            _ = try await daemon.log.line(containing: "refused a connection", "uid=65534")
            #expect(try await daemon.coroq("status").exitCode == 0)
        }
    }

    /// Without a mode that lets them in, other users cannot even connect (the default is 0600).
    @Test func theDefaultSocketIsTheOwnersAlone() async throws {

        try await withDaemon(directory) { daemon in
            var info = stat()
            #expect(stat(directory.socket, &info) == 0 && info.st_mode & 0o777 == 0o600)
            let (status, stderr) = try await coroqAs(nobody, ["status"])
            #expect(status == .exited(69) && stderr.contains("you may not use the coroqd at"), "\(stderr)")
        }
    }

    /// The system daemon's arrangement: a 0660 socket in the daemon's group; a member of the group uses the
    /// CLI, anyone else cannot connect.
    @Test func aGroupMemberUsesTheCLI() async throws {

        let config = directory.file("coroqd.toml")
        try "socket_mode = \"0660\"\nsocket_group = \"nogroup\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            let (member, memberError) = try await coroqAs(nobody, ["submit", "noop"])  // nobody's group is nogroup
            #expect(member == .exited(0), "\(memberError)")
            let (stranger, strangerError) = try await coroqAs((uid: 1, gid: 1), ["status"])  // daemon:daemon
            #expect(stranger == .exited(69) && strangerError.contains("Permission denied"), "\(strangerError)")
        }
    }
}
