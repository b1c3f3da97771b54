import CoroqServer
import Foundation

/// Reading the config file: the executable's job (the library parses text).
enum ConfigFile {
    static func defaultPath(environment: [String: String]) -> String {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return "\(config)/coroq/coroqd.toml" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return "\(home)/.config/coroq/coroqd.toml"
    }

    /// The settings in the file at `path`; none (defaults) when there is no file.
    static func read(_ path: String) throws -> DaemonSettings {
        guard FileManager.default.fileExists(atPath: path) else { return DaemonSettings() }
        return try DaemonSettings(toml: try String(contentsOfFile: path, encoding: .utf8))
    }
}

extension DaemonSettings {
    /// These settings, with `base`'s where these have none.
    func over(_ base: DaemonSettings) -> DaemonSettings {
        var merged = base
        merged.socket = socket ?? base.socket
        merged.database = database ?? base.database
        merged.synchronous = synchronous ?? base.synchronous
        merged.concurrency = concurrency ?? base.concurrency
        merged.shutdownGrace = shutdownGrace ?? base.shutdownGrace
        merged.retention = retention ?? base.retention
        merged.busyTimeout = busyTimeout ?? base.busyTimeout
        merged.logLevel = logLevel ?? base.logLevel
        merged.maxFrameBytes = maxFrameBytes ?? base.maxFrameBytes
        merged.socketMode = socketMode ?? base.socketMode
        merged.socketGroup = socketGroup ?? base.socketGroup
        merged.allowedUsers = allowedUsers ?? base.allowedUsers
        merged.allowedGroups = allowedGroups ?? base.allowedGroups
        return merged
    }

    /// The config keys these settings set.
    var keysSet: Set<String> {
        var keys: Set<String> = []
        if socket != nil { keys.insert("socket") }
        if database != nil { keys.insert("database") }
        if synchronous != nil { keys.insert("synchronous") }
        if concurrency != nil { keys.insert("concurrency") }
        if shutdownGrace != nil { keys.insert("shutdown_grace") }
        if retention != nil { keys.insert("retention") }
        if busyTimeout != nil { keys.insert("busy_timeout") }
        if logLevel != nil { keys.insert("log_level") }
        if maxFrameBytes != nil { keys.insert("max_frame_bytes") }
        return keys
    }
}
