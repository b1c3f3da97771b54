#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on the database file itself, held for the daemon's lifetime: one daemon per database
/// *file* — its inode — whatever path, symlink or hard link reaches it. (A lock file named after the path let
/// a second daemon in through a link: it took the first one's running tasks for a crash's leftovers, and with
/// a hard link the two kept separate WALs.) `flock` and SQLite's own locks (POSIX record locks) are
/// independent on Linux, so this lock neither blocks nor is released by SQLite.
///
/// The descriptor stays open for the daemon's whole run (`Daemon.run` keeps the lock alive until its store is
/// done): closing a descriptor of the file drops every POSIX lock the process holds on it, SQLite's too.
final class DaemonLock: Sendable {
    private let descriptor: Int32

    /// Takes the lock on the database at `path`, creating the file (empty, 0600) when there is none, or
    /// throws when another process holds it. An existing file's content is not touched.
    init(databasePath path: String) throws {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw DaemonStartupError(
                "cannot open the database \(path): \(String(cString: strerror(errno))); check the path and its permissions")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw DaemonStartupError(
                "another coroqd is already using this database file (\(path), or a link to it); stop it first, or give this one its own --db")
        }
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }
}
