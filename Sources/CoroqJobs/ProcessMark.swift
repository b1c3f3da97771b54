import CoroqCore
import CoroqJSON
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

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

    /// The mark of the running process `pid` (the leader of its own session), or nil if it is gone.
    static func of(_ pid: Int32) -> ProcessMark? {
        guard let startTime = startTime(of: pid), let boot = kernelBoot() else { return nil }
        return ProcessMark(processGroup: pid, startTime: startTime, kernelBoot: boot)
    }

    /// True when the same leader process still runs (same boot, same pid, same start time).
    var isStillRunning: Bool {
        Self.kernelBoot() == kernelBoot && Self.startTime(of: processGroup) == startTime
    }

    private static func startTime(of pid: Int32) -> UInt64? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards)?.upperBound else { return nil }
        // Fields after the name start at field 3 (state); the start time is field 22.
        let fields = stat[afterName...].split(separator: " ")
        return fields.count > 19 ? UInt64(fields[19]) : nil
    }

    private static func kernelBoot() -> String? {
        (try? String(contentsOfFile: "/proc/sys/kernel/random/boot_id", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension ExecJob {
    /// At start-up, before anything runs: kills the process groups that `exec` attempts cut off by a crash
    /// left running (their daemon died, they did not), so a re-run never overlaps its own orphan.
    public static func killOrphans(of tasks: [TaskRecord], in store: any TaskStore, logger: Logger) async {
        for task in tasks where task.job == "exec" && task.attempts > 0 {
            guard let stored = try? await store.checkpointValue(task.id, key: ProcessMark.key(attempt: task.attempts)),
                  let mark = try? stored.decode(as: ProcessMark.self), mark.isStillRunning else { continue }
            kill(-mark.processGroup, SIGKILL)
            logger.notice("killed processes left running by the previous daemon", metadata: [
                "task": "\(task.id)", "process_group": "\(mark.processGroup)",
            ])
        }
    }
}
