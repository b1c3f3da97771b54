import Foundation
import Subprocess
import SystemPackage
import Testing

/// The daemon under systemd: units that verify, sd_notify, socket activation.
@Suite(.timeLimit(.minutes(1)))
struct SystemdTests {
    let directory = TestDirectory()

    static var repository: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// `systemd-analyze verify` passes every unit with nothing on stderr (warnings count as failures). The
    /// units name the installed binary; here it is the one just built.
    @Test(arguments: [("systemd", false), ("systemd/user", true)])
    func theUnitsVerify(folder: String, user: Bool) async throws {
        let copy = directory.file("units")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for unit in ["coroqd.service", "coroqd.socket"] {
            let text = try String(contentsOfFile: "\(Self.repository)/\(folder)/\(unit)", encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/coroqd", with: Binaries.coroqd.string)
                .write(toFile: "\(copy)/\(unit)", atomically: true, encoding: .utf8)
        }
        let runtime = directory.file("run")
        try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let result = try await Subprocess.run(
            .name("systemd-analyze"),
            arguments: Arguments((user ? ["--user"] : []) + ["verify", "./coroqd.socket", "./coroqd.service"]),
            environment: .inherit.updating(["XDG_RUNTIME_DIR": runtime]),
            workingDirectory: FilePath(copy),
            output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(result.terminationStatus == .exited(0))
        #expect(result.standardError.isEmpty, "\(result.standardError)")
    }

    /// READY=1 once it serves, STATUS= with counts, WATCHDOG=1 pings, STOPPING=1 on SIGTERM.
    @Test func itTellsSystemdHowItIs() async throws {
        let notify = DatagramListener(path: directory.file("notify.sock"))
        let clock = ContinuousClock()
        var stopAsked = clock.now
        let exit = try await withDaemon(directory, arguments: ["--shutdown-grace", "0"],
                             environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"]) { daemon in
            let ready = await notify.receive(containing: "READY=1")
            #expect(ready?.contains("STATUS=serving: 0 running, 0 queued") == true, "\(ready ?? "nothing")")
            _ = try await daemon.coroq("submit", "sleep", "30")
            #expect(await notify.receive(containing: "WATCHDOG=1") != nil)
            let status = await notify.receive(containing: "1 running")
            #expect(status?.hasPrefix("STATUS=serving") == true, "\(status ?? "nothing")")
            stopAsked = clock.now
            kill(daemon.pid, SIGTERM)
            let stopping = await notify.receive(containing: "STOPPING=1")
            #expect(stopping != nil)
        }
        #expect(exit.status == .exited(0))
        // The sleep task is cancelled at once (grace 0); nothing else may hold the shutdown up.
        #expect(clock.now - stopAsked < .seconds(5))
    }

    /// Under `systemd-socket-activate` the daemon adopts the passed socket; the CLI works through it, and
    /// the first connection is what starts the daemon.
    @Test func socketActivation() async throws {
        let log = DaemonLog()
        let result = try await Subprocess.run(
            .name("systemd-socket-activate"),
            arguments: Arguments(["-l", directory.socket, Binaries.coroqd.string, "--db", directory.database,
                                  "--socket", directory.socket, "--shutdown-grace", "0"]),
            input: .none, output: .discarded, error: .sequence
        ) { execution in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await line in execution.standardError.strings() { await log.append(line) }
                    await log.end()
                }
                _ = try await log.line(containing: "Listening on")  // bound by systemd-socket-activate; no daemon yet
                let submit = try await runCoroq(["submit", "noop", "--args", #"{"via":"activation"}"#], socket: directory.socket)
                #expect(submit.exitCode == 0 && submit.stdout == "1\n", "\(submit.stderr)")
                let wait = try await runCoroq(["wait", "1"], socket: directory.socket)
                #expect(wait.exitCode == 0)
                try execution.send(signal: .terminate)
                try await group.waitForAll()
            }
        }
        #expect(result.terminationStatus == .exited(0))
        #expect(await log.text.contains("coroqd 0.1.0 ready"))
    }

    /// Under systemd (JOURNAL_STREAM set) every line carries its syslog priority for journald.
    @Test func logLinesCarryJournalPriorities() async throws {
        let exit = try await withDaemon(directory, environment: ["JOURNAL_STREAM": "8:12345"]) { daemon in
            _ = try await daemon.log.line(containing: "<5>coroqd 0.1.0 ready")
            _ = try await daemon.coroq("submit", "noop")
            _ = try await daemon.log.line(containing: "<7>finished", "task=1", "state=succeeded")  // debug
            _ = try await daemon.coroq("submit", "exec", "--", "false")
            _ = try await daemon.log.line(containing: "<6>finished", "task=2", "state=failed")
            let version = try await daemon.coroq("version")
            #expect(version.stdout == "coroq 0.1.0\ncoroqd 0.1.0\nprotocol 1\n")
        }
        #expect(exit.log.split(separator: "\n").allSatisfy { $0.first == "<" }, "\(exit.log)")
    }
}
