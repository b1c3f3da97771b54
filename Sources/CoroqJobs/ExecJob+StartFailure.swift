import CoroqCore
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Why an `exec` did not start, in true words: the command's own fault (not found, not executable, a bad
/// working directory: `spawn_failed`), or coroqd's (out of descriptors, memory or disk:
/// `daemon_resources`, with the errno). The task fails either way, but the second is not the command's
/// doing, and its message says so; `coroq retry` runs it again once the daemon has room.
extension ExecJob {
    /// Errors that say the daemon ran out of something, not that the command is wrong.
    static let daemonSideErrors: Set<Errno> = [
        Errno(rawValue: EMFILE), Errno(rawValue: ENFILE), Errno(rawValue: ENOSPC), Errno(rawValue: EDQUOT),
        Errno(rawValue: ENOMEM), Errno(rawValue: EAGAIN),
    ]

    static func startFailure(_ error: any Error, command: String) -> TaskError {
        let errno: Errno?
        switch error {
        case let error as OutputLogUnavailable:
            return TaskError(
                code: daemonSideErrors.contains(error.errno) ? "daemon_resources" : "output_log_failed",
                message: "coroqd did not start '\(command)': it \(error)")
        case let error as SubprocessError: errno = error.underlyingError
        case let error as Errno: errno = error
        default: errno = nil
        }
        if let errno, daemonSideErrors.contains(errno) {
            return TaskError(
                code: "daemon_resources",
                message: "coroqd could not start '\(command)': \(errno) (errno \(errno.rawValue)) in coroqd, not in the command")
        }
        return TaskError(code: "spawn_failed", message: "could not start '\(command)': \(error)")
    }
}
