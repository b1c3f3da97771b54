import Foundation
import Subprocess
import SystemPackage
import Testing

/// The config file through the real daemon: --check-config, refusal to start, SIGHUP.
@Suite(.timeLimit(.minutes(1)))
struct ConfigTests {
    let directory = TestDirectory()

    func coroqd(_ arguments: [String]) async throws -> (status: TerminationStatus, stdout: String, stderr: String) {
        let result = try await Subprocess.run(
            .path(Binaries.coroqd), arguments: Arguments(arguments), output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        return (result.terminationStatus, result.standardOutput, result.standardError)
    }

    @Test func checkConfigSaysWhatIsWrong() async throws {
        let config = directory.file("coroqd.toml")
        try "concurrency = 10\nretention = \"forever\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try await coroqd(["--check-config", "--config", config])
        #expect(bad.status == .exited(1))
        #expect(bad.stderr.contains("\(config): line 2, key 'retention': expected a duration"))
        // A daemon refuses to start with it too, before touching anything.
        let start = try await coroqd(["--config", config, "--socket", directory.socket, "--db", directory.database])
        #expect(start.status == .exited(1) && start.stderr.contains("line 2, key 'retention'"))
        #expect(!FileManager.default.fileExists(atPath: directory.database))

        try "concurrency = 10\nretention = \"2d\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let good = try await coroqd(["--check-config", "--config", config])
        #expect(good.status == .exited(0) && good.stdout == "\(config): ok\n")
        let missing = try await coroqd(["--check-config", "--config", directory.file("none.toml")])
        #expect(missing.status == .exited(0) && missing.stdout.contains("no such file; the defaults apply"))
    }

    /// SIGHUP applies a new log level (and concurrency) at once and says what needs a restart.
    @Test func sighupReloadsWhatCanChange() async throws {
        let config = directory.file("coroqd.toml")
        try "log_level = \"info\"\nconcurrency = 4\n".write(toFile: config, atomically: true, encoding: .utf8)
        let exit = try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            // withDaemon gives --log-level debug as a flag: it wins over the file, even after SIGHUP;
            // concurrency comes from the file.
            try "log_level = \"debug\"\nconcurrency = 2\nsynchronous = \"full\"\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            let line = try await daemon.log.line(containing: "SIGHUP: config re-read")
            #expect(line.contains("applied=concurrency=2"))
            #expect(!line.contains("log_level"))
            #expect(line.contains("needs_restart=synchronous"))
            try "concurrency = [1, 2]\n".write(toFile: config, atomically: true, encoding: .utf8)
            kill(daemon.pid, SIGHUP)
            _ = try await daemon.log.line(containing: "the config file was not applied", "line 1, key 'concurrency'")
            #expect(try await daemon.coroq("status").exitCode == 0)  // still serving
        }
        #expect(exit.status == .exited(0))
    }

    /// A reload of a file that sets nothing changes nothing, and says so (defaults against defaults).
    @Test func aReloadOfAnUnchangedFileAppliesNothing() async throws {
        let config = directory.file("empty.toml")
        try "".write(toFile: config, atomically: true, encoding: .utf8)
        try await withDaemon(directory, arguments: ["--config", config]) { daemon in
            kill(daemon.pid, SIGHUP)
            let line = try await daemon.log.line(containing: "SIGHUP: config re-read")
            #expect(line.contains("applied=nothing changed") && line.contains("needs_restart=none"), "\(line)")
        }
    }
}
