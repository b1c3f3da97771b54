import ArgumentParser
import CoroqClient
import CoroqProtocol
import Foundation

/// Options every subcommand takes.
struct ClientOptions: ParsableArguments {
    @Option(help: "The daemon's control socket (default: $COROQ_SOCKET, else $XDG_RUNTIME_DIR/coroq/coroqd.sock, else /tmp/coroq-UID/coroqd.sock; if that does not exist, the system daemon's /run/coroq/coroqd.sock).")
    var socket: String?

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    var socketPath: String {
        SocketLocation.forClient(explicit: socket, environment: ProcessInfo.processInfo.environment) {
            FileManager.default.fileExists(atPath: $0)
        }
    }

    /// Runs `body` with a connection; a failure becomes one line on stderr and its exit code.
    func withClient<Result>(_ body: (ControlClient) async throws -> Result) async throws -> Result {
        do {
            return try await ControlClient.withConnection(socketPath: socketPath, body)
        } catch let error as ClientError {
            Output.error(error.description)
            switch error {
            case .daemonNotRunning, .connectionLost: throw ExitCodes.daemonUnavailable
            case .rpc(let error) where error.knownCode == .shuttingDown: throw ExitCodes.daemonUnavailable
            case .rpc, .badResponse: throw ExitCodes.refused
            }
        }
    }
}

/// Writing to stdout and stderr.
enum Output {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data("coroq: \(text)\n".utf8))
    }

    /// Compact JSON on one line (NDJSON), keys sorted.
    static func jsonLine(_ value: some Encodable) {
        line(json(value, pretty: false))
    }

    static func json(_ value: some Encodable, pretty: Bool) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }
}
