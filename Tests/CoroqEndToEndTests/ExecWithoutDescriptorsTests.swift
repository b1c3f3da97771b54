import Foundation
import Subprocess
import Testing

/// Issue 12, item 2: an `exec` started while coroqd has no descriptor left fails with the true reason
/// (`daemon_resources`, "Too many open files"), not as the command's fault ("You don't have permission"),
/// and the daemon runs commands again once it has room.
@Suite(.timeLimit(.minutes(1)))
struct ExecWithoutDescriptorsTests {
    let directory = TestDirectory()
    let hello = #"{"jsonrpc":"2.0","id":0,"method":"hello","params":{"protocol_version":1}}"# + "\n"

    @Test(.enabled(if: getuid() == 0, "changing another process's descriptor limit needs root"))
    func anExecWithoutDescriptorsSaysWhyAndTheNextOneRuns() async throws {
        try await withDaemon(directory) { daemon in
            // A first exec with room: what the daemon sets up lazily at its first task is not under test here.
            _ = try await daemon.coroq("submit", "exec", "--", "true")
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)
            var id = 1
            var refused = 0
            // With 1 to 8 descriptors free, an exec fails at one step or another (its log, its pipes,
            // swift-subprocess's process monitor when it is the daemon's first) or runs; either way the next
            // one runs once there is room.
            for free in 1...8 {
                try await withFreeDescriptors(free, daemon) {
                    _ = try await daemon.coroq("submit", "exec", "--", "true")
                }
                id += 1
                _ = try await daemon.coroq("wait", "\(id)")
                let result = try await daemon.coroq("result", "\(id)")
                if result.exitCode != 0 && result.exitCode != 2 {
                    let log = await daemon.log.text
                    Issue.record("task \(id), \(free) free: \(result.stderr); the daemon's log ends:\n\(log.suffix(3000))")
                    return
                }
                let value = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                if result.exitCode != 0 {
                    refused += 1
                    #expect(value["code"] as? String == "daemon_resources", "with \(free) free: \(result.stdout)")
                    #expect((value["message"] as? String)?.contains("Too many open files") == true, "\(result.stdout)")
                }
                _ = try await daemon.coroq("submit", "exec", "--", "true")
                id += 1
                #expect(try await daemon.coroq("wait", "\(id)").exitCode == 0, "with room again after \(free) free")
            }
            #expect(refused > 0)
        }
    }

    /// Runs `body` (which connects once) while the daemon has `free` descriptors left: its table filled with
    /// idle connections (each answered, so accepted) to a soft limit a little above what it holds, then
    /// `free` of them closed. Afterwards the connections are closed and the limit put back.
    private func withFreeDescriptors(_ free: Int, _ daemon: RunningDaemon, _ body: () async throws -> Void) async throws {
        let original = try softLimit(of: daemon.pid)
        let limit = try descriptors(of: daemon.pid) + free + 4
        try await setSoftLimit(of: daemon.pid, to: limit)
        var idle: [RawConnection] = []
        while try descriptors(of: daemon.pid) < limit {
            let connection = try RawConnection(path: directory.socket)
            connection.send(hello)
            _ = try await connection.receive()
            idle.append(connection)
        }
        idle.removeLast(free)  // closed: the daemon sees the end and closes its side
        for _ in 0..<500 where try descriptors(of: daemon.pid) > limit - free {
            try await Task.sleep(for: .milliseconds(10))
        }
        try await body()
        idle.removeAll()
        try await setSoftLimit(of: daemon.pid, to: original)
    }

    private func descriptors(of pid: pid_t) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }

    /// The soft `Max open files` of `pid`, from /proc/PID/limits.
    private func softLimit(of pid: pid_t) throws -> Int {
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        let line = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        return try #require(Int(line.dropFirst("Max open files".count).split(separator: " ")[0]))
    }

    /// Sets the soft descriptor limit of `pid`, its hard one unchanged.
    private func setSoftLimit(of pid: pid_t, to limit: Int) async throws {
        let result = try await Subprocess.run(
            .path("/usr/bin/prlimit"), arguments: ["--pid", "\(pid)", "--nofile=\(limit):"],
            output: .discarded, error: .string(limit: 4096))
        try #require(result.terminationStatus == .exited(0), "prlimit: \(result.standardError)")
    }
}
