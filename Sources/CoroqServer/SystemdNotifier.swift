import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3): state changes sent to systemd as datagrams on `$NOTIFY_SOCKET`. Does nothing when the
/// daemon was not started by systemd with `Type=notify` (no socket given).
struct SystemdNotifier: Sendable {
    /// The socket path; a leading `@` means Linux's abstract namespace.
    let socketPath: String?

    /// Sends `NAME=value` lines, e.g. `["READY=1", "STATUS=serving"]`. Errors are ignored: systemd's
    /// bookkeeping must never stop the daemon.
    func notify(_ lines: String...) {
        guard let socketPath, !socketPath.isEmpty else { return }
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var path = Array(socketPath.utf8)
        if path.first == UInt8(ascii: "@") { path[0] = 0 }
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else { return }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count + (path.first == 0 ? 0 : 1))
        let message = Array(lines.joined(separator: "\n").utf8)
        _ = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                message.withUnsafeBytes { sendto(descriptor, $0.baseAddress, $0.count, 0, address, length) }
            }
        }
    }
}
