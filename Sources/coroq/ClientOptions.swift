import ArgumentParser
import CoroqClient
import CoroqProtocol
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

/// Options every subcommand takes.
struct ClientOptions: ParsableArguments {
    @Option(help: "The daemon's control socket (default: $COROQ_SOCKET, else $XDG_RUNTIME_DIR/coroq/coroqd.sock, else /tmp/coroq-UID/coroqd.sock; if that does not exist, the system daemon's /run/coroq/coroqd.sock).")
    var socket: String?

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    /// Runs `body` with a connection; a failure becomes one line on stderr and its exit code.
    func withClient<Result>(_ body: (ControlClient) async throws -> Result) async throws -> Result {
        try await Self.withClient(socket: socket, body)
    }

    /// Where to connect: `--socket` (`explicit`), else as `SocketLocation.forClient` says. Reads only the
    /// variables it needs (`ProcessInfo.environment` copies all of them) and checks paths with stat(2), as
    /// `FileManager.fileExists` does.
    static func socketPath(explicit: String?) -> String {
        var environment: [String: String] = [:]
        for name in ["COROQ_SOCKET", "XDG_RUNTIME_DIR"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return SocketLocation.forClient(explicit: explicit, environment: environment) { path in
            var status = stat()
            return stat(path, &status) == 0
        }
    }

    /// `withClient` for the socket given with `--socket` (or none).
    static func withClient<Result>(socket: String?, _ body: (ControlClient) async throws -> Result) async throws -> Result {
        do {
            return try await ControlClient.withConnection(socketPath: socketPath(explicit: socket), body)
        } catch let error as ClientError {
            Output.error(error.description + Self.nextStep(for: error))
            switch error.code {
            case .daemonNotRunning, .connectionLost, .daemonStopping: throw ExitCodes.daemonUnavailable
            default: throw ExitCodes.refused
            }
        }
    }
}

extension ClientOptions {
    /// What to do about a refused request, after its message.
    static func nextStep(for error: ClientError) -> String {
        guard let code = error.rpc?.knownCode else { return "" }
        switch code {
        case .taskNotFound: return " (`coroq status` lists the tasks)"
        case .unknownJob, .invalidArguments: return " (see `coroq submit --help`)"
        case .invalidParams, .invalidRequest, .methodNotFound: return " (see `coroq --help`; are coroq and coroqd the same version?)"
        case .wrongState: return " (`coroq show ID` shows its history)"
        case .storageFailure: return " (the daemon's log says more; nothing of this request was stored)"
        case .internalError: return " (a bug in coroqd: its log says more)"
        case .taskTooLarge: return " (pass the data another way: a file the job reads, named in its arguments)"
        case .unknownDependency: return ""
        case .futureAlreadyResolved: return ""
        case .notAFuture: return " (only a future made by `coroq future create` is resolved; `coroq cancel` stops a task)"
        case .tooManyConnections: return " (try again in a moment; the daemon's log says more)"
        case .scheduleNotFound: return " (`coroq schedule list` lists the schedules)"
        case .invalidSchedule: return " (see `coroq schedule add --help`)"
        case .invalidRunTime, .invalidRetryPolicy: return " (see `coroq submit --help`)"
        case .notRetryable: return " (a future is resolved with `coroq future resolve`, not retried)"
        case .unknownQueue: return " (`coroq queue list` lists the queues; `coroq queue set NAME` creates one)"
        case .invalidQueue: return " (see `coroq queue set --help`)"
        case .taskFinished: return " (nothing will receive it: send to a task that is queued or running)"
        case .keyConflict: return " (use another --key, or coroq show the task that has it)"
        case .parseError, .notAllowed, .helloRequired, .unsupportedVersion, .frameTooLarge, .taskNotFinished, .shuttingDown: return ""
        }
    }
}

/// Writing to stdout and stderr.
enum Output {
    static func line(_ text: String) {
        StandardIO.write(text + "\n", to: STDOUT_FILENO)
    }

    static func error(_ text: String) {
        StandardIO.write("coroq: \(text)\n", to: STDERR_FILENO)
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
