import Foundation

/// A task's captured output: the whole of it appended to a log file, and a bounded tail of each stream.
actor TaskOutputLog {
    enum Stream { case stdout, stderr }

    let path: String
    private let file: FileHandle
    private(set) var stdoutTail: OutputTail
    private(set) var stderrTail: OutputTail

    init(path: String, tailCapacity: Int) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        file.seekToEndOfFile()
        self.path = path
        self.file = file
        stdoutTail = OutputTail(capacity: tailCapacity)
        stderrTail = OutputTail(capacity: tailCapacity)
    }

    func append(_ bytes: [UInt8], from stream: Stream) {
        switch stream {
        case .stdout: stdoutTail.append(bytes)
        case .stderr: stderrTail.append(bytes)
        }
        // A full disk must not fail the task: the tail in the result still holds the end of the output.
        try? file.write(contentsOf: bytes)
    }

    func close() {
        try? file.close()
    }
}
