import Foundation

/// The dashboard's token: 32 random bytes as hex, in a file beside the control socket (`SOCKET.token`,
/// mode 0600, in the socket's directory that only the daemon's user may enter). Kept across restarts,
/// so open pages and a scraper's `credentials_file` keep working; delete the file for a new one. Beside
/// it, `SOCKET.url` holds the dashboard's address while it serves, for `coroq dashboard`.
enum TokenFile {
    static func tokenPath(socket: String) -> String { socket + ".token" }
    static func urlPath(socket: String) -> String { socket + ".url" }

    /// The token in the file, or a new one written to it (0600). A file of another mode is refused.
    static func load(socket: String) throws -> String {
        let path = tokenPath(socket: socket)
        if let data = FileManager.default.contents(atPath: path) {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0
            guard mode & 0o077 == 0 else {
                throw DashboardError("\(path) may be read by others (mode \(String(mode, radix: 8))); chmod 600 it or delete it for a new token")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if token.count >= 32 { return token }
        }
        let token = try randomToken()
        try write(token + "\n", to: path)
        return token
    }

    /// Writes `text` to a new file of mode 0600 (replacing one there), whole or not at all.
    static func write(_ text: String, to path: String) throws {
        let temporary = path + ".tmp"
        unlink(temporary)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw DashboardError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw DashboardError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func randomToken() throws -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &generator), radix: 16).leftPadded(to: 2) }.joined()
    }
}

/// The dashboard could not start (its token file, its address).
struct DashboardError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
