import CoroqCore
import Foundation

/// `steps`: three checkpointed steps (`context.step`), each appending its name to `file`, with a durable
/// pause before the last. Kill the daemon during the pause and start it again: the task runs again, the
/// first two steps return their stored results without appending anything, and only the third runs.
///
/// `coroq submit steps --args '{"file": "/tmp/steps.txt", "pause": 4}'`
public struct ThreeSteps: JobDefinition {
    public struct Arguments: Codable, Sendable {
        /// The file each step appends its name to: its side effect, which a re-run must not repeat.
        public var file: String
        /// Seconds from the task's first start until the third step may run (a restart waits only what
        /// remains). Default 0.
        public var pause: Double?

        public init(file: String, pause: Double? = nil) {
            self.file = file
            self.pause = pause
        }
    }

    public let name = "steps"
    public let summary = "Three checkpointed steps: a crash between them does not repeat the finished ones"

    public init() {}

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard !arguments.file.isEmpty else { throw InvalidArguments("'file' must not be empty") }
        guard (arguments.pause ?? 0) >= 0 else { throw InvalidArguments("'pause' must not be negative") }
    }

    /// What each step returned: its name and the attempt that ran it (a replayed step keeps its attempt).
    public func run(_ arguments: Arguments, context: JobContext) async throws -> [String] {
        let one = try await context.step("one") { try Self.sideEffect("one", arguments, context) }
        let two = try await context.step("two") { try Self.sideEffect("two", arguments, context) }
        // Durable: counted from the first attempt's start, so a restart does not begin the pause again; it
        // holds no slot of the concurrency limit meanwhile.
        try await context.sleep(until: context.firstStartedAt.addingTimeInterval(arguments.pause ?? 0))
        let three = try await context.step("three") { try Self.sideEffect("three", arguments, context) }
        return [one, two, three]
    }

    private static func sideEffect(_ step: String, _ arguments: Arguments, _ context: JobContext) throws -> String {
        if !FileManager.default.fileExists(atPath: arguments.file) {
            FileManager.default.createFile(atPath: arguments.file, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: arguments.file))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\(step)\n".utf8))
        return "\(step) by attempt \(context.attempt)"
    }
}
