import Foundation
import Subprocess
import SystemPackage
import Testing

/// The units' sandbox as `systemd-analyze security --offline=true` rates it: the figures the units' comments
/// and README give stay true (a hardening option dropped by mistake raises the score past its bound), and
/// the stricter drop-in in contrib/ verifies and lowers it further.
@Suite(.timeLimit(.minutes(1)))
struct SystemdHardeningTests {
    let directory = TestDirectory()

    /// The exposure the README's table gives for each unit, with 0.1 of rounding room.
    @Test(arguments: [("systemd/coroqd.service", 3.7), ("systemd/user/coroqd.service", 7.6)])
    func exposureIsWhatTheDocsSay(unit: String, documented: Double) async throws {
        let score = try await exposure(of: "\(SystemdTests.repository)/\(unit)", in: SystemdTests.repository)
        #expect(abs(score - documented) < 0.15, "\(unit) rates \(score), the docs say \(documented)")
    }

    /// contrib/systemd/coroqd.service.d/hardening.conf beside the system unit: `systemd-analyze verify`
    /// passes with nothing on stderr, and the drop-in is read (the score drops below 2).
    @Test func theStricterDropInVerifiesAndApplies() async throws {
        let copy = directory.file("units")
        let dropIns = "\(copy)/coroqd.service.d"
        try FileManager.default.createDirectory(atPath: dropIns, withIntermediateDirectories: true)
        for unit in ["coroqd.service", "coroqd.socket"] {
            let text = try String(contentsOfFile: "\(SystemdTests.repository)/systemd/\(unit)", encoding: .utf8)
            try text.replacingOccurrences(of: "/usr/local/bin/coroqd", with: Binaries.coroqd.string)
                .write(toFile: "\(copy)/\(unit)", atomically: true, encoding: .utf8)
        }
        try FileManager.default.copyItem(
            atPath: "\(SystemdTests.repository)/contrib/systemd/coroqd.service.d/hardening.conf",
            toPath: "\(dropIns)/hardening.conf")
        let verify = try await Subprocess.run(
            .name("systemd-analyze"), arguments: ["verify", "./coroqd.socket", "./coroqd.service"],
            workingDirectory: FilePath(copy), output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
        #expect(verify.terminationStatus == .exited(0))
        #expect(verify.standardError.isEmpty, "\(verify.standardError)")
        let score = try await exposure(of: "./coroqd.service", in: copy)
        #expect(score < 2, "with the drop-in: \(score)")
    }

    /// The "Overall exposure level" figure of `systemd-analyze security --offline=true UNIT`.
    private func exposure(of unit: String, in folder: String) async throws -> Double {
        let result = try await Subprocess.run(
            .name("systemd-analyze"), arguments: ["security", "--offline=true", unit],
            workingDirectory: FilePath(folder), output: .string(limit: 1 << 20), error: .string(limit: 1 << 16))
        let output = result.standardOutput
        guard let line = output.split(separator: "\n").last(where: { $0.contains("Overall exposure level") }),
              let figure = line.split(separator: ":").last?.split(separator: " ").first,
              let score = Double(figure) else {
            Issue.record("no exposure level in: \(output) \(result.standardError)")
            return .infinity
        }
        return score
    }
}
