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
