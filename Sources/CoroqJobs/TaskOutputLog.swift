import CoroqCore
import Foundation
import NIOPosix
import SystemPackage

/// A task's captured output: the whole of it appended to a log file, and a bounded tail of each stream;
/// each chunk is also offered to live followers (`OutputHub`).
///
/// The file is opened, written and closed on NIO's thread pool, never on the cooperative pool: a slow or
/// stalled disk then holds a pool thread, not one of the few threads every task of the daemon shares.
/// Chunks are written one write at a time, in the order they arrived; an `append` returns once its chunk is
/// written, so a child that writes faster than the disk is slowed through its pipe instead of filling memory.
actor TaskOutputLog {
    enum Stream { case stdout, stderr }

    let path: String
    private let file: FileDescriptor
    private let task: TaskID
    private let hub: OutputHub?
    private let threadPool: NIOThreadPool
    /// Where the next chunk goes in the file.
    private var offset: Int64
    private(set) var stdoutTail: OutputTail
    private(set) var stderrTail: OutputTail
    /// True while a write is on the thread pool; chunks appended meanwhile wait in `pending`.
    private var isWriting = false
    private var pending: [(bytes: [UInt8], written: CheckedContinuation<Void, Never>)] = []

    /// Opens (creating it and its directory, 0600) the log at `path`; output is appended after what the
    /// file already holds (an earlier attempt's).
    static func open(
        path: String, tailCapacity: Int, task: TaskID, hub: OutputHub?, threadPool: NIOThreadPool = .singleton
    ) async throws -> TaskOutputLog {
        let (file, end) = try await threadPool.runIfActive {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let file = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .closeOnExec], permissions: [.ownerReadWrite])
            return (file, try file.seek(offset: 0, from: .end))
        }
        return TaskOutputLog(path: path, file: file, end: end, tailCapacity: tailCapacity, task: task, hub: hub,
                             threadPool: threadPool)
    }

    private init(
        path: String, file: FileDescriptor, end: Int64, tailCapacity: Int, task: TaskID, hub: OutputHub?,
        threadPool: NIOThreadPool
    ) {
        self.path = path
        self.file = file
        offset = end
        self.task = task
        self.hub = hub
        self.threadPool = threadPool
        stdoutTail = OutputTail(capacity: tailCapacity)
        stderrTail = OutputTail(capacity: tailCapacity)
    }

    /// Keeps `bytes` in its stream's tail and appends them to the file; returns once they are written.
    func append(_ bytes: [UInt8], from stream: Stream) async {
        switch stream {
        case .stdout: stdoutTail.append(bytes)
        case .stderr: stderrTail.append(bytes)
        }
        guard !isWriting else {
            // The write in progress (another stream's) takes these bytes next, in order.
            await withCheckedContinuation { pending.append((bytes, $0)) }
            return
        }
        isWriting = true
        var chunks = [bytes]
        var appenders: [CheckedContinuation<Void, Never>] = []
        while !chunks.isEmpty {
            await write(chunks)
            for appender in appenders { appender.resume() }
            (chunks, appenders) = (pending.map(\.bytes), pending.map(\.written))
            pending.removeAll()
        }
        isWriting = false
    }

    /// Writes `chunks` at the end of the file in one write, then offers each to followers at its offset.
    private func write(_ chunks: [[UInt8]]) async {
        let (file, start) = (self.file, offset)
        let written: Int? = try? await threadPool.runIfActive {
            try file.writeAll(toAbsoluteOffset: start, chunks.joined())
        }
        // A full disk must not fail the task: the tail in the result still holds the end of the output.
        guard written != nil else { return }
        for chunk in chunks {
            hub?.publish(task, offset: offset, bytes: chunk)
            offset += Int64(chunk.count)
        }
    }

    func close() async {
        let file = self.file
        try? await threadPool.runIfActive { try file.close() }
    }
}
