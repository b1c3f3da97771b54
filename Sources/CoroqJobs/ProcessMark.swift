import Foundation

/// Who an `exec` attempt's process group is, precisely enough to find it again after a crash without ever
/// signalling a stranger: the group id, the leader's start time, and the kernel's boot id (pids are reused,
/// and start times restart at each boot).
struct ProcessMark: Codable, Sendable, Equatable {
    var processGroup: Int32
    /// Field 22 of `/proc/PID/stat`: clock ticks since boot when the process started.
    var startTime: UInt64
    var kernelBoot: String

    /// The checkpoint key of attempt `number`'s process group.
    static func key(attempt number: Int) -> String { "process#\(number)" }

    /// The mark of `pid` if it is still the leader of its own session and process group (as `exec`
    /// starts it), or nil when it is gone or was already replaced.
    static func of(_ pid: Int32) -> ProcessMark? {
        guard let stat = Stat(pid), stat.session == pid, stat.processGroup == pid, let boot = kernelBoot() else {
            return nil
        }
        return ProcessMark(processGroup: pid, startTime: stat.startTime, kernelBoot: boot)
    }

    /// True when the same leader still runs: same boot, same pid, same start time, still its group's leader.
    var isStillRunning: Bool {
        guard Self.kernelBoot() == kernelBoot, let stat = Stat(processGroup) else { return false }
        return stat.startTime == startTime && stat.processGroup == processGroup && stat.state != "Z"
    }

    /// The fields of `/proc/PID/stat` that identify a process.
    struct Stat {
        var state: Substring
        var processGroup: Int32
        var session: Int32
        var startTime: UInt64

        init?(_ pid: Int32) {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let afterName = text.range(of: ")", options: .backwards)?.upperBound else { return nil }
            // After the name come field 3 (state), 4 (ppid), 5 (pgrp), 6 (session) … 22 (start time).
            let fields = text[afterName...].split(separator: " ")
            guard fields.count > 19, let group = Int32(fields[2]), let session = Int32(fields[3]),
                  let start = UInt64(fields[19]) else { return nil }
            (state, processGroup, self.session, startTime) = (fields[0], group, session, start)
        }
    }

    private static func kernelBoot() -> String? {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
