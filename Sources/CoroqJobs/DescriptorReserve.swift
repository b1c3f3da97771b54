import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Whether the daemon has the descriptors a spawn needs, asked before swift-subprocess is.
///
/// swift-subprocess 1.0.2 creates a command's stdout pipe, then its stderr pipe, then its stdin; when a
/// later one fails (EMFILE) the earlier one is dropped unclosed, and its `deinit` is a `fatalError`: the
/// daemon would crash. So `exec` first opens as many descriptors as a spawn takes (the pipes, stdin, the
/// process descriptor, with room to spare) and closes them again: when it cannot, the task fails with the
/// true reason and swift-subprocess is not called. A descriptor another thread takes between this check and
/// the spawn (an accepted connection) can still reach that crash: the window is microseconds, not closed.
enum DescriptorReserve {
    /// Descriptors a spawn takes at most, with room to spare.
    static let perSpawn = 12

    /// Throws the errno (EMFILE, ENFILE) when `count` descriptors cannot be opened now.
    static func check(_ count: Int = perSpawn) throws(Errno) {
        var opened: [Int32] = []
        defer { for descriptor in opened { close(descriptor) } }
        for _ in 0..<count {
            let descriptor = open("/dev/null", O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw Errno(rawValue: errno) }
            opened.append(descriptor)
        }
    }
}
