import Foundation

/// A client that writes requests and never reads the answers: its socket is non-blocking, so writing
/// stops (instead of blocking the test) once the daemon stops reading it.
final class PipeliningClient: @unchecked Sendable {  // used by one test at a time
    private var descriptor: Int32

    init(path: String) throws {
        // A write to a connection the daemon closed must fail with EPIPE, not kill the test process.
        signal(SIGPIPE, SIG_IGN)
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            close(descriptor)
            throw POSIXError(.ECONNREFUSED)
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit { hangUp() }

    /// Writes as much of `text` as the socket takes now; returns the bytes written.
    @discardableResult
    func send(_ text: String) -> Int {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { break }
            sent += written
        }
        return sent
    }

    /// Closes the connection without reading anything.
    func hangUp() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}
