import CoroqServer
import Foundation

/// Reading the config file: the executable's job (the library parses text).
enum ConfigFile {
    static func defaultPath(environment: [String: String]) -> String {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty { return "\(config)/coroq/coroqd.toml" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return "\(home)/.config/coroq/coroqd.toml"
    }

    /// The settings in the file at `path`; none (defaults) when there is no file. Read through a file
    /// handle, so that `--config /dev/null` (no settings) works: `String(contentsOfFile:)` refuses a
    /// character device with a misleading "You don't have permission".
    static func read(_ path: String) throws -> DaemonSettings {
        guard FileManager.default.fileExists(atPath: path) else { return DaemonSettings() }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigFileError(message: "cannot open it for reading: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let data = try handle.readToEnd() ?? Data()
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigFileError(message: "it is not UTF-8 text")
        }
        return try DaemonSettings(toml: text)
    }
}

/// A config file that cannot be read at all (its settings' own errors are `DaemonSettings`').
struct ConfigFileError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
