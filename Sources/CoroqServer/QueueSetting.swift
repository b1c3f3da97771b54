import CoroqCore
import TOMLKit

/// A `[queues.NAME]` table of coroqd.toml, checked for its keys and values when the file is read.
///
/// ```toml
/// [queues.net]
/// concurrency = 2        # most of its tasks running at once (beside the global `concurrency`)
/// rate = "10/1s"         # at most 10 starts in any second
/// paused = false
/// ```
public struct QueueSetting: Sendable, Equatable {
    public var name: String
    public var concurrency: Int?
    public var rate: QueueRate?
    public var paused: Bool?

    public init(name: String, concurrency: Int? = nil, rate: QueueRate? = nil, paused: Bool? = nil) {
        self.name = name
        self.concurrency = concurrency
        self.rate = rate
        self.paused = paused
    }

    static let keys = ["concurrency", "rate", "paused"]

    /// Reads `[queues]`: a table of tables. Errors name the queue and the key.
    static func read(_ value: any TOMLValueConvertible) throws(ConfigError) -> [QueueSetting] {
        guard let table = value.table else {
            throw ConfigError(key: "queues", line: nil, message: "expected tables such as [queues.net]")
        }
        var settings: [QueueSetting] = []
        for name in table.keys.sorted() {
            let key = "queues.\(name)"
            guard QueueName.isValid(name) else { throw ConfigError(key: key, line: nil, message: QueueName.expected) }
            guard let entry = table[name]?.table else {
                throw ConfigError(key: key, line: nil, message: "expected a table: [queues.\(name)] with concurrency, rate or paused")
            }
            settings.append(try read(entry, name: name))
        }
        return settings
    }

    private static func read(_ table: TOMLTable, name: String) throws(ConfigError) -> QueueSetting {
        func fail(_ key: String, _ message: String) -> ConfigError {
            ConfigError(key: "queues.\(name).\(key)", line: nil, message: message)
        }
        if let unknown = table.keys.sorted().first(where: { !keys.contains($0) }) {
            throw fail(unknown, "unknown key; a queue takes \(keys.joined(separator: ", "))")
        }
        var setting = QueueSetting(name: name)
        if let value = table["concurrency"] {
            guard let limit = value.int, limit >= 1 else { throw fail("concurrency", "expected a whole number from 1") }
            setting.concurrency = limit
        }
        if let value = table["rate"] {
            guard let text = value.string, let rate = QueueRate(parsing: text) else {
                throw fail("rate", "expected \(QueueRate.expected)")
            }
            setting.rate = rate
        }
        if let value = table["paused"] {
            guard let paused = value.bool else { throw fail("paused", "expected true or false") }
            setting.paused = paused
        }
        return setting
    }
}
