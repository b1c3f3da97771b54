import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// One line per event on stderr, prefixed with its syslog priority (`<3>` … `<7>`) so that journald keeps
/// the levels, when systemd connected stderr to the journal (`$JOURNAL_STREAM`). Timestamps are left out:
/// the journal has its own.
struct JournalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "\(event.message)\(fields.isEmpty ? "" : " \(fields)")"
        // Every line of a multi-line message keeps the priority; a failed write (journal gone) is dropped.
        let prefix = "<\(Self.priority(event.level))>"
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 + "\n" }.joined()
        let bytes = Array(lines.utf8)
        _ = bytes.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// syslog(3) priorities: err 3, warning 4, notice 5, info 6, debug 7.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
