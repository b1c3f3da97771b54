import Foundation

/// A plain blocking Unix-socket connection speaking newline-delimited text: what `socat` does.
final class RawConnection: @unchecked Sendable {  // used by one test at a time
    private let descriptor: Int32
    private var buffered: [UInt8] = []

    init(path: String) throws {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        send(bytes: Array(text.utf8))
    }

    /// The next line, parsed as whatever JSON it holds (an array for a batch's answer).
    func receiveJSON() async throws -> Any {
        let line: Data = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.receiveLine() })
            }
        }
        return try JSONSerialization.jsonObject(with: line)
    }

    /// The next line, parsed as a JSON object. The blocking read runs on a Dispatch thread, so it never
    /// holds one of the (two, here) threads that run the tests' async code.
    func receive() async throws -> [String: Any] {
        let line: Data = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.receiveLine() })
            }
        }
        return try JSONSerialization.jsonObject(with: line) as! [String: Any]
    }

    /// The next line as it came, unparsed.
    func receiveRaw() async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.receiveLine() })
            }
        }
    }

    func send(bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let written = bytes[sent...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { return }
            sent += written
        }
    }

    private func receiveLine() throws -> Data {
        while !buffered.contains(UInt8(ascii: "\n")) {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(descriptor, &chunk, chunk.count)
            guard count > 0 else { throw POSIXError(.ECONNRESET) }
            buffered += chunk[..<count]
        }
        let newline = buffered.firstIndex(of: UInt8(ascii: "\n"))!
        let line = Data(buffered[..<newline])
        buffered.removeFirst(newline + 1)
        return line
    }
}

extension [String: Any] {
    var errorCode: Int? { (self["error"] as? [String: Any])?["code"] as? Int }
}
