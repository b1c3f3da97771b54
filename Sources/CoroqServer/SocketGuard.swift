import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Makes a socket path ready to bind without ever stealing it from a running daemon.
enum SocketGuard {
    /// Creates the parent directory (0700 when it is new). If a socket file exists: refuses when a daemon
    /// answers on it, removes it when nobody does (a stale file left by a crash). Refuses any other file.
    static func prepare(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw DaemonStartupError("\(path) exists and is not a socket; remove it or choose another --socket")
        }
        if isAnswering(path) {
            throw DaemonStartupError(
                "another coroqd is already serving \(path); stop it first (coroq status talks to it)")
        }
        guard unlink(path) == 0 else {
            throw DaemonStartupError("cannot remove stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// True when something accepts connections on the Unix socket at `path`.
    static func isAnswering(_ path: String) -> Bool {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) == 0
            }
        }
    }
}
