import CoroqCore
import Foundation
import Logging
import NIOPosix
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// A task's captured output: the whole of it appended to a log file, and a bounded tail of each stream;
/// each chunk is also offered to live followers (`OutputHub`).
///
/// The file is opened, written and closed on NIO's thread pool, never on the cooperative pool: a slow or
/// stalled disk then holds a pool thread, not one of the few threads every task of the daemon shares.
/// Chunks are written one write at a time, in the order they arrived; an `append` returns once its chunk is
/// written, so a child that writes faster than the disk is slowed through its pipe instead of filling memory.
/// What cannot be written (a full disk) is counted, not fatal: `lostBytes` and `lossReason` go into the
/// task's result, and `losses` tells the daemon's log once per episode.
///
/// Each stream is written a whole line at a time (up to its last newline or carriage return), so that
/// stdout and stderr arriving together never cut into each other's lines; a stream's unfinished line waits
/// for its end (or 64 KiB of it, or the command's exit).
actor TaskOutputLog {
    enum Stream { case stdout, stderr }

    let path: String
    private let file: FileDescriptor
    private let task: TaskID
    private let hub: OutputHub?
    private let threadPool: NIOThreadPool
    private let losses: OutputLossEpisodes?
    private let logger: Logger
    /// Where the next chunk goes in the file.
    private var offset: Int64
    private(set) var stdoutTail: OutputTail
    private(set) var stderrTail: OutputTail
    /// True while a write is on the thread pool; chunks appended meanwhile wait in `pending`.
    private var isWriting = false
    private var pending: [(bytes: [UInt8], written: CheckedContinuation<Void, Never>)] = []
    /// Bytes of output that could not be written to the file, and why the first of them could not.
    private(set) var lostBytes = 0
    private(set) var lossReason: String?
    /// Each stream's unfinished last line, not yet written.
    private var unfinished: [Stream: [UInt8]] = [:]
    /// The longest unfinished line kept back; more is written as it is.
    static let longestHeldLine = 64 * 1024

    /// Opens (creating it and its directory, 0600) the log at `path`; output is appended after what the
    /// file already holds (an earlier attempt's).
    static func open(
        path: String, tailCapacity: Int, task: TaskID, hub: OutputHub?, threadPool: NIOThreadPool = .singleton,
        losses: OutputLossEpisodes? = nil, logger: Logger = Logger(label: "coroq.exec")
    ) async throws -> TaskOutputLog {
        let (file, end) = try await threadPool.runIfActive {
            // mkdir(2) rather than FileManager, whose errors do not keep the errno (EMFILE became "You
            // don't have permission"): a log that cannot be opened must say why.
            let directory = (path as NSString).deletingLastPathComponent
            if mkdir(directory, 0o700) != 0 && errno != EEXIST {
                let failure = Errno(rawValue: errno)
                guard failure == .noSuchFileOrDirectory, (try? FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true)) != nil else {
                    throw OutputLogUnavailable(path: path, errno: failure)
                }
            }
            do {
                let file = try FileDescriptor.open(
                    FilePath(path), .writeOnly, options: [.create, .closeOnExec], permissions: [.ownerReadWrite])
                do {
                    return (file, try file.seek(offset: 0, from: .end))
                } catch {
                    try? file.close()
                    throw error
                }
            } catch let error as Errno {
                throw OutputLogUnavailable(path: path, errno: error)
            }
        }
        return TaskOutputLog(path: path, file: file, end: end, tailCapacity: tailCapacity, task: task, hub: hub,
                             threadPool: threadPool, losses: losses, logger: logger)
    }

    private init(
        path: String, file: FileDescriptor, end: Int64, tailCapacity: Int, task: TaskID, hub: OutputHub?,
        threadPool: NIOThreadPool, losses: OutputLossEpisodes?, logger: Logger
    ) {
        self.path = path
        self.losses = losses
        self.logger = logger
        self.file = file
        offset = end
        self.task = task
        self.hub = hub
        self.threadPool = threadPool
        stdoutTail = OutputTail(capacity: tailCapacity)
        stderrTail = OutputTail(capacity: tailCapacity)
    }

    /// Keeps `bytes` in its stream's tail and appends its finished lines to the file; returns once they
    /// are written.
    func append(_ bytes: [UInt8], from stream: Stream) async {
        switch stream {
        case .stdout: stdoutTail.append(bytes)
        case .stderr: stderrTail.append(bytes)
        }
        var held = unfinished.removeValue(forKey: stream) ?? []
        held += bytes
        let end = held.lastIndex { $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
        if held.count <= Self.longestHeldLine {
            guard let end else {
                unfinished[stream] = held
                return
            }
            if end + 1 < held.count { unfinished[stream] = Array(held[(end + 1)...]) }
            held.removeSubrange((end + 1)...)
        }
        await appendWhole(held)
    }

    /// Appends `bytes` to the file after what is being written; returns once they are written.
    private func appendWhole(_ bytes: [UInt8]) async {
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

    /// Writes `chunks` at the end of the file in one write, then offers what was written to followers at
    /// its offset. A full disk must not fail the task (the tail in the result still holds the end of the
    /// output): what could not be written is counted in `lostBytes`.
    private func write(_ chunks: [[UInt8]]) async {
        let (file, start) = (self.file, offset)
        let bytes = Array(chunks.joined())
        let outcome: (written: Int, failure: Errno?)
        do {
            outcome = try await threadPool.runIfActive { Self.write(bytes, to: file, at: start) }
        } catch {
            outcome = (0, nil)  // the thread pool is stopping: the daemon is
        }
        let (written, failure) = outcome
        if written < bytes.count {
            lostBytes += bytes.count - written
            let reason = failure.map { "\($0) (errno \($0.rawValue))" } ?? "coroqd was stopping"
            if lossReason == nil { lossReason = reason }
            if failure != nil { losses?.lost(bytes.count - written, of: task, reason: reason, path: path, logger: logger) }
        } else {
            losses?.wrote(logger: logger)
        }
        guard written > 0 else { return }
        hub?.publish(task, offset: start, bytes: written == bytes.count ? bytes : Array(bytes[..<written]))
        offset += Int64(written)
    }

    /// Writes as much of `bytes` as the file takes at `offset`: how much, and why not all of it.
    private static func write(_ bytes: [UInt8], to file: FileDescriptor, at offset: Int64) -> (Int, Errno?) {
        var written = 0
        while written < bytes.count {
            do {
                let count = try bytes[written...].withUnsafeBytes {
                    try file.write(toAbsoluteOffset: offset + Int64(written), $0)
                }
                guard count > 0 else { return (written, Errno(rawValue: ENOSPC)) }
                written += count
            } catch let error as Errno {
                return (written, error)
            } catch {
                return (written, nil)
            }
        }
        return (written, nil)
    }

    /// Writes what is left of each stream's last line (stdout's first), then closes the file.
    func close() async {
        for stream in [Stream.stdout, .stderr] {
            if let rest = unfinished.removeValue(forKey: stream), !rest.isEmpty { await appendWhole(rest) }
        }
        let file = self.file
        try? await threadPool.runIfActive { try file.close() }
    }
}

/// The output log of a task could not be opened: why (the errno), and where.
struct OutputLogUnavailable: Error, CustomStringConvertible {
    let path: String
    let errno: Errno

    var description: String { "could not open the output log \(path): \(errno) (errno \(errno.rawValue))" }
}
