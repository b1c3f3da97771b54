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
    func anExecWithoutDescriptorsSaysWhy() async throws {
        try await withDaemon(directory) { daemon in
            // A first exec sets up what every later one shares (swift-subprocess's process monitor).
            _ = try await daemon.coroq("submit", "exec", "--", "true")
            #expect(try await daemon.coroq("wait", "1").exitCode == 0)

            // The daemon's table filled with idle connections (each answered, so accepted), to a soft limit a
            // little above what it holds; then one closed, which the CLI's submit takes: the exec finds none.
            let original = try softLimit(of: daemon.pid)
            let limit = try descriptors(of: daemon.pid) + 8
            try await setSoftLimit(of: daemon.pid, to: limit)
            var idle: [RawConnection] = []
            while try descriptors(of: daemon.pid) < limit {
                let connection = try RawConnection(path: directory.socket)
                connection.send(hello)
                _ = try await connection.receive()
                idle.append(connection)
            }
            idle.removeLast()  // closed: the daemon sees the end and closes its side
            for _ in 0..<500 where try descriptors(of: daemon.pid) >= limit {
                try await Task.sleep(for: .milliseconds(10))
            }
            _ = try await daemon.coroq("submit", "exec", "--", "true")
            idle.removeAll()
            try await setSoftLimit(of: daemon.pid, to: original)

            #expect(try await daemon.coroq("wait", "2").exitCode == 2)
            let result = try await daemon.coroq("result", "2")
            let error = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(error["code"] as? String == "daemon_resources", "\(result.stdout)")
            #expect((error["message"] as? String)?.contains("Too many open files") == true, "\(result.stdout)")
            _ = try await daemon.coroq("submit", "exec", "--", "true")
            #expect(try await daemon.coroq("wait", "3").exitCode == 0)
        }
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
