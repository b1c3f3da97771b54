#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// stdin, stdout and stderr through the file descriptors, without Foundation's `FileHandle` (which is not
/// in FoundationEssentials: the CLI links only that, so that it starts fast).
enum StandardIO {
    /// Writes all of `text` at once, unbuffered, as `FileHandle.write` did: lines on stdout and stderr
    /// keep their order. When the reader is gone (EPIPE), the process ends as SIGPIPE ends it.
    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            guard var next = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let written = systemWrite(descriptor, next, left)
                if written >= 0 {
                    next += written
                    left -= written
                    continue
                }
                switch errno {
                case EINTR:
                    continue
                case EAGAIN:
                    // A non-blocking descriptor inherited from the caller: wait until it takes more.
                    var ready = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                    _ = poll(&ready, 1, -1)
                case EPIPE:
                    // NIO ignores SIGPIPE for its sockets; a closed stdout still ends the process.
                    signal(SIGPIPE, SIG_DFL)
                    raise(SIGPIPE)
                    return
                default:
                    return
                }
            }
        }
    }

    /// Every byte of stdin up to its end.
    static func readAll(from descriptor: Int32 = STDIN_FILENO) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                bytes.append(contentsOf: chunk[..<count])
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                return bytes
            }
        }
    }

    private static func systemWrite(_ descriptor: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.write(descriptor, bytes, count)
        #else
        Darwin.write(descriptor, bytes, count)
        #endif
    }
}
