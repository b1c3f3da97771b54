import CoroqCore
import CoroqJobs
import CoroqProtocol
import Foundation

/// `logs`: a task's output, from its log file; with `follow`, then pushed as it is written until the task
/// ends. The file is the source of truth: live chunks carry their offset, so nothing is sent twice or
/// skipped, whatever order events arrive in.
struct LogsHandler: Sendable {
    let store: any TaskStore
    let waiters: WaiterRegistry
    let hub: OutputHub
    let logDirectory: String

    private enum Event: Sendable {
        case output(OutputHub.Chunk)
        case finished
    }

    func logs(_ params: LogsParams, replier: Replier) async throws(RPCError) -> LogsResult {
        let id = TaskID(params.id)
        // Listen before reading, so that nothing written in between is missed.
        let live = params.follow == true ? hub.follow(id) : nil
        let waiting = params.follow == true ? waiters.register([id]) : nil
        defer {
            if let live { hub.stop(id, token: live.token) }
            if let waiting { waiters.unregister(waiting.0) }
        }
        let task: TaskRecord
        do {
            guard let found = try await store.task(id) else { throw RPCError(.taskNotFound, "no task with id \(id)") }
            task = found
        } catch {
            throw RPCError(storeFailure: error)
        }
        var sent = await sendFile(id, from: 0, replier, final: task.state.isFinal || params.follow != true)
        guard let live, let waiting, !task.state.isFinal else {
            return LogsResult(bytes: sent, state: task.state.rawValue)
        }
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await chunk in live.chunks { sink.yield(.output(chunk)) }
            }
            group.addTask {
                for await _ in waiting.1 { sink.yield(.finished); return }
                sink.finish()  // shutting down
            }
            for await event in events {
                switch event {
                case .output(let chunk):
                    sent = await send(chunk, after: sent, id, replier)
                case .finished:
                    // Whatever the live chunks did not carry, to the very end (a cut character included).
                    sent = await sendFile(id, from: sent, replier, final: true)
                    group.cancelAll()
                    return
                }
            }
            group.cancelAll()
        }
        if waiters.isShuttingDown {
            throw RPCError(.shuttingDown, "coroqd is stopping; follow the task again after it restarts")
        }
        let state = (try? await store.task(id))?.state.rawValue ?? task.state.rawValue
        return LogsResult(bytes: sent, state: state)
    }

    /// Sends the part of `chunk` past `sent`; a gap before it is read from the file. Returns the new end.
    /// A character cut at the chunk's end is held back: the next chunk (or the file) completes it.
    private func send(_ chunk: OutputHub.Chunk, after sent: Int64, _ id: TaskID, _ replier: Replier) async -> Int64 {
        let end = chunk.offset + Int64(chunk.bytes.count)
        guard end > sent else { return sent }
        guard chunk.offset <= sent else { return await sendFile(id, from: sent, replier, final: false) }
        let bytes = chunk.bytes[Int(sent - chunk.offset)...]
        let complete = Self.completeUTF8Prefix(bytes)
        guard complete > 0 else { return sent }
        await replier.send(RPCNotification(method: taskOutputNotification, params: TaskOutputParams(
            id: id.rawValue, offset: sent, text: String(decoding: bytes.prefix(complete), as: UTF8.self))))
        return sent + Int64(complete)
    }

    /// Sends the log file from `offset` to its end, in chunks of whole characters (unless `final`: then
    /// to the last byte). Returns the offset reached. The file is read on NIO's thread pool (`LogFileReader`).
    private func sendFile(_ id: TaskID, from offset: Int64, _ replier: Replier, final: Bool) async -> Int64 {
        guard let file = await LogFileReader.open("\(logDirectory)/\(id).log") else { return offset }
        var position = offset
        while case let data = await file.read(from: position, upTo: 64 * 1024), !data.isEmpty {
            let complete = final && data.count < 64 * 1024 ? data.count : Self.completeUTF8Prefix(data)
            guard complete > 0 else { break }
            await replier.send(RPCNotification(method: taskOutputNotification, params: TaskOutputParams(
                id: id.rawValue, offset: position, text: String(decoding: data.prefix(complete), as: UTF8.self))))
            position += Int64(complete)
        }
        await file.close()
        return position
    }

    /// How many leading bytes end on a whole UTF-8 character: an incomplete sequence at the end is left
    /// out (bytes that are not UTF-8 at all are kept; they are shown as U+FFFD).
    static func completeUTF8Prefix(_ bytes: some Collection<UInt8>) -> Int {
        let bytes = Array(bytes)
        // Look back over at most 3 continuation bytes for the lead byte of the last character.
        var index = bytes.count - 1
        while index >= 0, bytes.count - index <= 4, bytes[index] & 0xC0 == 0x80 { index -= 1 }
        guard index >= 0 else { return bytes.count }
        let lead = bytes[index]
        let length = lead < 0x80 ? 1 : lead & 0xE0 == 0xC0 ? 2 : lead & 0xF0 == 0xE0 ? 3 : lead & 0xF8 == 0xF0 ? 4 : 1
        return bytes.count - index < length ? index : bytes.count
    }
}
