import Foundation

/// What a process uses, read from /proc: CPU time and resident memory.
enum ProcessUsage {
    /// User plus system CPU time, in seconds (/proc/PID/stat, fields 14 and 15).
    static func cpuSeconds(_ pid: pid_t) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        // The command name (field 2) may hold spaces; the fields after it start past its ')'.
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return (Double(fields[11])! + Double(fields[12])!) / ticks
    }

    /// Resident memory in MiB (/proc/PID/status, VmRSS).
    static func residentMiB(_ pid: pid_t) throws -> Double {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }!
        return Double(line.split(separator: " ")[1])! / 1024
    }

    /// The share of one core `pid` used over `window`.
    static func cpuShare(_ pid: pid_t, over window: Duration) async throws -> Double {
        let before = try cpuSeconds(pid)
        let start = ContinuousClock.now
        try await Task.sleep(for: window)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (try cpuSeconds(pid) - before) / seconds
    }

    /// Waits (at most `limit`) until `pid` used under 5 % of a core over half a second: the work it was
    /// given is done. Returns false if it never settled.
    static func settle(_ pid: pid_t, within limit: Duration = .seconds(30)) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await cpuShare(pid, over: .milliseconds(500)) < 0.05 { return true }
        }
        return false
    }

    /// Open descriptors of `pid`.
    static func openDescriptors(_ pid: pid_t) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }
}
