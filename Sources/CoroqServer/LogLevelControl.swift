import Logging
import Synchronization

/// The daemon's log level, changeable while it runs (SIGHUP re-reads `log_level`). Every logger made with
/// `handler(wrapping:)` follows it.
public final class LogLevelControl: Sendable {
    private let level: Mutex<Logger.Level>

    public init(_ level: Logger.Level) {
        self.level = Mutex(level)
    }

    public var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }

    /// A log handler that filters by this level and writes through `base`.
    public func handler(wrapping base: some LogHandler) -> some LogHandler {
        var base = base
        base.logLevel = .trace  // this control filters
        return ControlledLogHandler(base: base, control: self)
    }
}

private struct ControlledLogHandler<Base: LogHandler>: LogHandler {
    var base: Base
    let control: LogLevelControl

    var logLevel: Logger.Level {
        get { control.current }
        set { control.current = newValue }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        base.log(event: event)
    }
}
