import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What an `exec` command leaves running when it exits: the other members of its process group (a
/// shell's background jobs and their children). They are ended with the task unless it asked to keep them
/// (`keep_children`).
///
/// Covered: every process that stayed in the command's process group (the command runs in its own
/// session, and children inherit the group). Not covered: a process that left the group on purpose
/// (`setsid`, `setpgid`, a daemon's double fork): it is beyond any signal to the group.
enum LeftoverProcesses {
    /// While the leader of `group` has exited but is not yet reaped: its zombie keeps the group's id from
    /// being reused, so a signal to the group reaches only the command's own processes.
    static func leaderHasExited(_ group: Int32) -> Bool {
        var info = siginfo_t()
        guard waitid(P_PID, id_t(group), &info, WEXITED | WNOHANG | WNOWAIT) == 0 else { return false }
        return info._sifields._sigchld.si_pid == group
    }

    /// Ends what is left of process group `group` once its leader is reaped: SIGTERM, then SIGKILL to those
    /// still alive after `grace`. Returns whether the group still had members. Costs one `kill` when
    /// nothing was left (the common case); else `/proc` is read every 10 ms until no member lives. Zombies
    /// count as gone: they are dead, and whoever adopted them reaps them (or, under a careless init, not).
    static func end(group: Int32, grace: Duration) async -> Bool {
        guard kill(-group, SIGTERM) == 0 else { return false }
        let deadline = ContinuousClock.now + grace
        while hasLiveMember(group) {
            guard ContinuousClock.now < deadline else {
                kill(-group, SIGKILL)
                break
            }
            do {
                try await Task.sleep(for: .milliseconds(10))
            } catch {
                kill(-group, SIGKILL)  // the attempt is being cancelled: no grace
                break
            }
        }
        return true
    }

    /// True when a process of `group` runs (a zombie does not).
    static func hasLiveMember(_ group: Int32) -> Bool {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return false }
        for entry in entries {
            guard let pid = Int32(entry), let stat = ProcessMark.Stat(pid) else { continue }
            if stat.processGroup == group && stat.state != "Z" { return true }
        }
        return false
    }
}
