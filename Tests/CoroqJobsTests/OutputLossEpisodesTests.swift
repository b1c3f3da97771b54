import CoroqCore
@testable import CoroqJobs
import Logging
import Synchronization
import Testing

/// A full disk is told once per episode: one warning when output starts being lost, however many tasks lose
/// it, and one line when a write goes through again; then a new shortage is a new episode.
struct OutputLossEpisodesTests {
    @Test func oneWarningPerEpisodeAndOneRecovery() {
        let lines = CapturedLines()
        let logger = Logger(label: "test") { _ in lines }
        let episodes = OutputLossEpisodes()
        episodes.wrote(logger: logger)  // no episode: nothing to say
        episodes.lost(100, of: TaskID(1), reason: "ENOSPC", path: "/l/1.log", logger: logger)
        episodes.lost(50, of: TaskID(2), reason: "ENOSPC", path: "/l/2.log", logger: logger)
        episodes.lost(10, of: TaskID(1), reason: "ENOSPC", path: "/l/1.log", logger: logger)
        #expect(lines.messages == ["task output is being lost: the log directory's disk takes no more (each task's result counts its loss in output_lost_bytes)"])
        episodes.wrote(logger: logger)
        episodes.wrote(logger: logger)
        #expect(lines.messages.count == 2)
        #expect(lines.messages.last == "task output is written again tasks_that_lost_output=2 bytes_lost=160")
        episodes.lost(7, of: TaskID(3), reason: "EDQUOT", path: "/l/3.log", logger: logger)
        #expect(lines.messages.count == 3 && lines.messages.last?.hasPrefix("task output is being lost") == true)
    }
}

/// Keeps each logged message with its metadata (sorted, `key=value`) after it.
final class CapturedLines: LogHandler, Sendable {
    private let lines = Mutex<[String]>([])
    var messages: [String] { lines.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}  // swiftlint:disable:this unused_setter_value
    }
    var logLevel: Logger.Level {
        get { .trace }
        set {}  // swiftlint:disable:this unused_setter_value
    }
    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}  // swiftlint:disable:this unused_setter_value
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).filter { ["tasks_that_lost_output", "bytes_lost"].contains($0.key) }
            .sorted { $0.key > $1.key }.map { "\($0.key)=\($0.value)" }
        lines.withLock { $0.append(([event.message.description] + fields).joined(separator: " ")) }
    }
}
