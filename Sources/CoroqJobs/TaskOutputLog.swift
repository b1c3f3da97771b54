import CoroqCore
import Foundation

/// A task's captured output: the whole of it appended to a log file, and a bounded tail of each stream;
/// each chunk is also offered to live followers (`OutputHub`).
actor TaskOutputLog {
    enum Stream { case stdout, stderr }

    let path: String
    private let file: FileHandle
    private let task: TaskID
    private let hub: OutputHub?
    /// Where the next chunk goes in the file.
    private var offset: Int64
    private(set) var stdoutTail: OutputTail
    private(set) var stderrTail: OutputTail

    init(path: String, tailCapacity: Int, task: TaskID, hub: OutputHub?) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        offset = Int64(file.seekToEndOfFile())
        self.path = path
        self.file = file
        self.task = task
        self.hub = hub
        stdoutTail = OutputTail(capacity: tailCapacity)
        stderrTail = OutputTail(capacity: tailCapacity)
    }

    func append(_ bytes: [UInt8], from stream: Stream) {
        switch stream {
        case .stdout: stdoutTail.append(bytes)
        case .stderr: stderrTail.append(bytes)
        }
        // A full disk must not fail the task: the tail in the result still holds the end of the output.
        guard (try? file.write(contentsOf: bytes)) != nil else { return }
        hub?.publish(task, offset: offset, bytes: bytes)
        offset += Int64(bytes.count)
    }

    func close() {
        try? file.close()
    }
}
