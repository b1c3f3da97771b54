import ArgumentParser
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `coroq dashboard`: the URL of the daemon's web dashboard, with its token (read from the files beside the
/// socket, which only the daemon's user can read), printed and with `--open` opened in a browser.
struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Print (or open) the URL of the daemon's web dashboard.",
        discussion: """
            The daemon serves the dashboard when coroqd.toml has

              [http]
              listen = "127.0.0.1:8765"

            or it was started with `coroqd --http 127.0.0.1:8765`. The URL carries the daemon's token
            once; the page then keeps it in a cookie. The token is in a file beside the socket
            (SOCKET.token, mode 0600): only the daemon's user can read it.

            Example:
              coroq dashboard --open
              http://127.0.0.1:8765/?token=3f9c…
            """)

    @OptionGroup var options: ClientOptions

    @Flag(help: "Open the URL with xdg-open (when there is one); else say to open it.")
    var open = false

    func run() throws {
        let socket = ClientOptions.socketPath(explicit: options.socket)
        guard let base = Self.firstLine(of: socket + ".url") else {
            Output.error("""
                the daemon at \(socket) serves no dashboard: add
                  [http]
                  listen = "127.0.0.1:8765"
                to coroqd.toml and restart it, or start coroqd --http 127.0.0.1:8765
                """)
            throw ExitCodes.daemonUnavailable
        }
        guard let token = Self.firstLine(of: socket + ".token") else {
            Output.error("cannot read \(socket).token (the dashboard's token); run this as the daemon's user")
            throw ExitCodes.refused
        }
        let url = "\(base)/?token=\(token)"
        if options.json {
            Output.jsonLine(["url": url])
        } else {
            Output.line(url)
        }
        guard open else { return }
        if Self.inPath("xdg-open") {
            if case .exited(0) = (try? ChildProcess.run(["xdg-open", url])) ?? .exited(127) { return }
            Output.error("xdg-open could not open it; open the URL above in a browser")
        } else {
            Output.error("no xdg-open here; open the URL above in a browser")
        }
    }

    static func firstLine(of path: String) -> String? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let line = text.split(separator: "\n").first.map { String($0.filter { !$0.isWhitespace }) }
        return line.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func inPath(_ name: String) -> Bool {
        guard let path = getenv("PATH").map({ String(cString: $0) }) else { return false }
        return path.split(separator: ":").contains { access("\($0)/\(name)", X_OK) == 0 }
    }
}
