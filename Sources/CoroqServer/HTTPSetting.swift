import TOMLKit

/// coroqd.toml's `[http]` (the dashboard, with `/metrics`) or `[metrics]` (`/metrics` alone): where to
/// listen. A loopback address unless `allow_remote = true` (then put TLS in front: the token travels in
/// a cookie and a header).
public struct HTTPSetting: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var allowRemote: Bool

    public init(host: String, port: Int, allowRemote: Bool = false) {
        self.host = host
        self.port = port
        self.allowRemote = allowRemote
    }

    /// `HOST:PORT` (`127.0.0.1:8765`, `[::1]:8765`, `localhost:8765`), checked: a clear `HTTPSettingError`
    /// naming what is wrong.
    public init(listen: String, allowRemote: Bool = false) throws(HTTPSettingError) {
        guard let colon = listen.lastIndex(of: ":") else {
            throw HTTPSettingError("expected HOST:PORT such as \"127.0.0.1:8765\", got \"\(listen)\"")
        }
        var host = String(listen[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port), !host.isEmpty else {
            throw HTTPSettingError("expected HOST:PORT with a port from 0 to 65535, such as \"127.0.0.1:8765\", got \"\(listen)\"")
        }
        self.init(host: host, port: port, allowRemote: allowRemote)
        guard allowRemote || isLoopback else {
            throw HTTPSettingError("\(host) is not a loopback address: set allow_remote = true to listen there (and put TLS in front), or use 127.0.0.1")
        }
    }

    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// For URLs: `127.0.0.1:8765`, `[::1]:8765`.
    public var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Reads a `[http]` / `[metrics]` table: `listen` (required) and `allow_remote`.
    static func read(_ value: any TOMLValueConvertible, table name: String) throws -> HTTPSetting {
        guard let table = value.table else {
            throw ConfigError(key: name, line: nil, message: "expected a table such as [\(name)] with listen = \"127.0.0.1:8765\"")
        }
        var listen: String?
        var allowRemote = false
        for key in table.keys.sorted() {
            let entry = table[key]!
            switch key {
            case "listen":
                guard let text = entry.string else { throw ConfigError(key: "\(name).listen", line: nil, message: "expected a string such as \"127.0.0.1:8765\"") }
                listen = text
            case "allow_remote":
                guard let flag = entry.bool else { throw ConfigError(key: "\(name).allow_remote", line: nil, message: "expected true or false") }
                allowRemote = flag
            default:
                throw ConfigError(key: "\(name).\(key)", line: nil, message: "unknown key; the keys are allow_remote, listen")
            }
        }
        guard let listen else {
            throw ConfigError(key: "\(name).listen", line: nil, message: "missing: expected listen = \"127.0.0.1:8765\"")
        }
        do {
            return try HTTPSetting(listen: listen, allowRemote: allowRemote)
        } catch {
            throw ConfigError(key: "\(name).listen", line: nil, message: error.message)
        }
    }
}

/// A bad `[http]`/`[metrics]` listen address or `--http` flag.
public struct HTTPSettingError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
