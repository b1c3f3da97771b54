import NIOPosix
import SystemPackage

/// A task's log file opened for reading, every call on NIO's thread pool: a `coroq logs` of a big file, or
/// a slow disk, never holds a thread of the cooperative pool that the scheduler and the server share.
struct LogFileReader: Sendable {
    private let file: FileDescriptor
    private let threadPool: NIOThreadPool

    /// The file at `path`, or nil when there is none (a task that wrote nothing has no log).
    static func open(_ path: String, threadPool: NIOThreadPool = .singleton) async -> LogFileReader? {
        let file = try? await threadPool.runIfActive {
            try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        }
        return file.map { LogFileReader(file: $0, threadPool: threadPool) }
    }

    /// Up to `count` bytes from `offset`; empty at the end of the file or when it cannot be read.
    func read(from offset: Int64, upTo count: Int) async -> [UInt8] {
        let file = self.file
        return (try? await threadPool.runIfActive {
            try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                initialized = try file.read(fromAbsoluteOffset: offset, into: UnsafeMutableRawBufferPointer(buffer))
            }
        }) ?? []
    }

    func close() async {
        let file = self.file
        try? await threadPool.runIfActive { try file.close() }
    }
}
