import CoroqJSON
import CoroqStore
import Foundation
import TOMLKit

/// What `config/coroqd.toml` sets; nil for what it leaves out (then a flag or the default applies).
public struct DaemonSettings: Sendable, Equatable {
    public var socket: String?
    public var database: String?
    public var synchronous: SQLiteTaskStore.Synchronous?
    public var concurrency: Int?
    /// Seconds.
    public var shutdownGrace: Double?
    public var retention: Double?
    public var busyTimeout: Double?
    public var logLevel: String?
    public var maxFrameBytes: Int?
    /// The socket file's mode, e.g. 0o660.
    public var socketMode: Int?
    public var socketGroup: String?
    public var allowedUsers: [String]?
    public var allowedGroups: [String]?
    public var maxConnections: Int?
    /// Seconds; 0: connections are never closed for idleness.
    public var idleTimeout: Double?
    public var maxTaskBytes: Int?
    /// Names of the daemon's environment variables that `exec` tasks get besides the few they always do.
    public var execPassEnv: [String]?
    /// `[schedules.NAME]` tables, by name.
    public var schedules: [ScheduleSetting]?
    /// `[jobs.NAME]` tables: command templates run as jobs.
    public var jobs: [JobSetting]?
    /// `[queues.NAME]` tables: queues and their limits.
    public var queues: [QueueSetting]?
    /// `[http]`: the dashboard (and `/metrics`) on this address.
    public var http: HTTPSetting?
    /// `[metrics]`: `/metrics` alone on this address.
    public var metrics: HTTPSetting?

    public init() {}

    /// The settings that `SIGHUP` applies to a running daemon; the others need a restart.
    public static let reloadable: Set<String> = ["concurrency", "retention", "log_level", "schedules", "jobs", "queues"]

    /// The log levels `log_level` accepts.
    public static let logLevels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]

    /// Parses TOML text. An unknown key, a wrong type or a bad value is a `ConfigError` naming the key,
    /// its line and what was expected.
    public init(toml text: String) throws(ConfigError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(key: nil, line: error.source.begin.line, message: "not valid TOML: \(error.description)")
        } catch {
            throw ConfigError(key: nil, line: nil, message: "not valid TOML: \(error)")
        }
        self.init()
        for key in table.keys.sorted() {
            let line = Self.line(of: key, in: text)
            guard let setting = Self.settings[key] else {
                throw ConfigError(key: key, line: line, message: "unknown key; the keys are \(Self.settings.keys.sorted().joined(separator: ", "))")
            }
            do {
                try setting(&self, table[key]!)
            } catch let problem as Problem {
                throw ConfigError(key: key, line: line, message: problem.message)
            } catch let nested as ConfigError {
                throw ConfigError(key: nested.key, line: nested.line ?? nested.key.flatMap { Self.tableLine(of: $0, in: text) } ?? line, message: nested.message)
            } catch {
                throw ConfigError(key: key, line: line, message: "\(error)")
            }
        }
    }

    private struct Problem: Error {
        let message: String
    }

    private typealias Setting = @Sendable (inout DaemonSettings, any TOMLValueConvertible) throws -> Void

    private static let settings: [String: Setting] = [
        "socket": { $0.socket = try string($1) },
        "database": { $0.database = try string($1) },
        "synchronous": { settings, value in
            let text = try string(value)
            guard let mode = SQLiteTaskStore.Synchronous(rawValue: text) else {
                throw Problem(message: "expected \"normal\" or \"full\", got \"\(text)\"")
            }
            settings.synchronous = mode
        },
        "concurrency": { settings, value in
            let number = try integer(value)
            guard number >= 1 else { throw Problem(message: "expected 1 or more, got \(number)") }
            settings.concurrency = number
        },
        "shutdown_grace": { $0.shutdownGrace = try duration($1) },
        "retention": { $0.retention = try duration($1) },
        "busy_timeout": { $0.busyTimeout = try duration($1) },
        "log_level": { settings, value in
            let level = try string(value)
            guard logLevels.contains(level) else {
                throw Problem(message: "expected one of \(logLevels.joined(separator: ", ")), got \"\(level)\"")
            }
            settings.logLevel = level
        },
        "socket_mode": { settings, value in
            let text = try string(value)
            guard let mode = Int(text, radix: 8), (0...0o777).contains(mode), mode & 0o600 == 0o600 else {
                throw Problem(message: "expected an octal mode the owner can read and write, such as \"0600\" or \"0660\", got \"\(text)\"")
            }
            settings.socketMode = mode
        },
        "socket_group": { $0.socketGroup = try string($1) },
        "allowed_users": { $0.allowedUsers = try strings($1) },
        "allowed_groups": { $0.allowedGroups = try strings($1) },
        "max_connections": { settings, value in
            let number = try integer(value)
            guard number >= 1 else { throw Problem(message: "expected 1 or more, got \(number)") }
            settings.maxConnections = number
        },
        "idle_timeout": { $0.idleTimeout = try duration($1) },
        "max_task_bytes": { settings, value in
            let number = try integer(value)
            guard number >= 1024 else { throw Problem(message: "expected 1024 or more, got \(number)") }
            settings.maxTaskBytes = number
        },
        "exec_pass_env": { settings, value in
            let names = try strings(value)
            if let bad = names.first(where: { $0.isEmpty || $0.contains("=") }) {
                throw Problem(message: "expected names of environment variables, got \"\(bad)\"")
            }
            settings.execPassEnv = names
        },
        "schedules": { $0.schedules = try ScheduleSetting.read($1) },
        "jobs": { $0.jobs = try JobSetting.read($1) },
        "queues": { $0.queues = try QueueSetting.read($1) },
        "http": { $0.http = try HTTPSetting.read($1, table: "http") },
        "metrics": { $0.metrics = try HTTPSetting.read($1, table: "metrics") },
        "max_frame_bytes": { settings, value in
            let number = try integer(value)
            guard number >= 1024 else { throw Problem(message: "expected 1024 or more, got \(number)") }
            settings.maxFrameBytes = number
        },
    ]

    private static func string(_ value: any TOMLValueConvertible) throws -> String {
        guard let text = value.string else { throw Problem(message: "expected a string, got \(describe(value))") }
        return text
    }

    private static func strings(_ value: any TOMLValueConvertible) throws -> [String] {
        guard let array = value.array else { throw Problem(message: "expected an array of strings, got \(describe(value))") }
        return try array.map { element in
            guard let text = element.string else { throw Problem(message: "expected an array of strings") }
            return text
        }
    }

    private static func integer(_ value: any TOMLValueConvertible) throws -> Int {
        guard let number = value.int else { throw Problem(message: "expected an integer, got \(describe(value))") }
        return number
    }

    /// A duration: a number of seconds, or a string such as "90s", "30m", "12h", "7d".
    private static func duration(_ value: any TOMLValueConvertible) throws -> Double {
        let seconds: Double?
        switch value.type {
        case .int: seconds = value.int.map(Double.init)
        case .double: seconds = value.double
        case .string: seconds = value.string.flatMap(Seconds.parse)
        default: throw Problem(message: "expected a duration (\"90s\", \"30m\", \"12h\", \"7d\" or seconds), got \(describe(value))")
        }
        guard let seconds, Seconds.isValid(seconds) else {
            throw Problem(message: "expected a duration such as \"90s\", \"30m\", \"12h\" or \"7d\", from 0 to \(Int(Seconds.maximum)) seconds")
        }
        return seconds
    }

    private static func describe(_ value: any TOMLValueConvertible) -> String {
        switch value.type {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number with a fraction"
        case .bool: "true or false"
        case .array: "an array"
        case .table: "a table"
        default: "a date or time"
        }
    }

    /// The line of the `[a.b]` table that holds the dotted key `a.b.c` (or of `[a.b]` itself), for messages.
    static func tableLine(of key: String, in text: String) -> Int? {
        var parts = key.split(separator: ".").map(String.init)
        while !parts.isEmpty {
            let header = "[\(parts.joined(separator: "."))]"
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            where line.trimmingCharacters(in: .whitespaces) == header {
                return index + 1
            }
            parts.removeLast()
        }
        return nil
    }

    /// The line where `key` is set (or its `[key]` table begins), for messages.
    private static func line(of key: String, in text: String) -> Int? {
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "[\(key)]" { return index + 1 }
            if trimmed.hasPrefix(key), trimmed.dropFirst(key.count).trimmingCharacters(in: .whitespaces).hasPrefix("=") {
                return index + 1
            }
        }
        return nil
    }
}

/// A config file coroqd will not start with: which key, on which line, and what was expected.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let key: String?
    public let line: Int?
    public let message: String

    public init(key: String?, line: Int?, message: String) {
        self.key = key
        self.line = line
        self.message = message
    }

    public var description: String {
        let place = [line.map { "line \($0)" }, key.map { "key '\($0)'" }].compactMap { $0 }.joined(separator: ", ")
        return place.isEmpty ? message : "\(place): \(message)"
    }
}

extension DaemonSettings {
    /// One config key and the property behind it, so merging, listing and comparing settings need no
    /// per-key code.
    struct Field: Sendable {
        let key: String
        let isSet: @Sendable (DaemonSettings) -> Bool
        let copy: @Sendable (DaemonSettings, inout DaemonSettings) -> Void
        let differs: @Sendable (DaemonSettings, DaemonSettings) -> Bool
    }

    static let fields: [Field] = [
        field("socket", \.socket), field("database", \.database), field("synchronous", \.synchronous),
        field("concurrency", \.concurrency), field("shutdown_grace", \.shutdownGrace),
        field("retention", \.retention), field("busy_timeout", \.busyTimeout), field("log_level", \.logLevel),
        field("max_frame_bytes", \.maxFrameBytes), field("socket_mode", \.socketMode),
        field("socket_group", \.socketGroup), field("allowed_users", \.allowedUsers),
        field("allowed_groups", \.allowedGroups), field("max_connections", \.maxConnections),
        field("idle_timeout", \.idleTimeout), field("max_task_bytes", \.maxTaskBytes),
        field("exec_pass_env", \.execPassEnv), field("schedules", \.schedules), field("jobs", \.jobs),
        field("queues", \.queues),
        field("http", \.http), field("metrics", \.metrics),
    ]

    private static func field<Value: Equatable & Sendable>(
        _ key: String, _ path: WritableKeyPath<DaemonSettings, Value?> & Sendable
    ) -> Field {
        Field(
            key: key, isSet: { $0[keyPath: path] != nil },
            copy: { from, to in to[keyPath: path] = from[keyPath: path] },
            differs: { $0[keyPath: path] != $1[keyPath: path] })
    }

    /// These settings, with `base`'s where these have none (flags over the file, the file over defaults).
    public func over(_ base: DaemonSettings) -> DaemonSettings {
        var merged = base
        for field in Self.fields where field.isSet(self) { field.copy(self, &merged) }
        return merged
    }

    /// The config keys these settings set.
    public var keysSet: Set<String> {
        Set(Self.fields.filter { $0.isSet(self) }.map(\.key))
    }

    /// The config keys whose values differ from `other`'s.
    public func keysDiffering(from other: DaemonSettings) -> [String] {
        Self.fields.filter { $0.differs(self, other) }.map(\.key)
    }
}
