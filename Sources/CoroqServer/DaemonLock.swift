#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` beside the database, held for the daemon's lifetime: two daemons never share a
/// database, and a second one refuses to start instead of racing the first for the socket.
final class DaemonLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock at `path`, or throws when another process holds it.
    init(path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DaemonStartupError("cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw DaemonStartupError(
                "another coroqd is already using this database (lock \(path) is held); stop it first, or give this one its own --db")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
