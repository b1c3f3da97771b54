import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes a socket path ready to bind without ever stealing it from a running daemon.
enum SocketGuard {
    /// Creates the parent directory (0700 when it is new) and refuses one owned by another user (a shared
    /// `/tmp` fallback could be pre-created by someone else). If a socket file exists: refuses when a
    /// daemon answers on it or when it cannot tell, removes it only when the connection is refused (a
    /// stale file left by a crash), and refuses any other kind of file.
    /// With a `group`, a directory it creates is 0750 and that group's, so members can reach the socket.
    static func prepare(_ path: String, group: String? = nil) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: group == nil ? 0o700 : 0o750])
            if let group, let gid = PeerAccess.groupID(named: group) { _ = chown(directory, uid_t.max, gid) }
        }
        var directoryInfo = stat()
        if stat(directory, &directoryInfo) == 0, directoryInfo.st_uid != getuid() {
            throw DaemonStartupError(
                "the socket directory \(directory) belongs to another user; choose another --socket")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw DaemonStartupError("\(path) exists and is not a socket; remove it or choose another --socket")
        }
        switch probe(path) {
        case 0:
            throw DaemonStartupError(
                "another coroqd is already serving \(path); stop it first (coroq status talks to it)")
        case ECONNREFUSED:
            guard unlink(path) == 0 else {
                throw DaemonStartupError("cannot remove stale socket \(path): \(String(cString: strerror(errno)))")
            }
        case let code:
            throw DaemonStartupError(
                "cannot tell whether a daemon serves \(path) (\(String(cString: strerror(code)))); remove it if none does")
        }
    }

    /// Connects to the Unix socket at `path`: 0 when something accepts, else the `errno` of the failure.
    private static func probe(_ path: String) -> Int32 {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return errno }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return ENAMETOOLONG }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? 0 : errno
    }
}
