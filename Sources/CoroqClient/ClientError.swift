import CoroqProtocol

/// Why a call to the daemon did not give a result: a code the CLI maps to an exit code, a message for
/// people that says what to do, and the underlying cause (the socket's error, the daemon's `RPCError`, a
/// decoding error). The shape of NIOFS's `FileSystemError`.
public struct ClientError: Error, CustomStringConvertible, @unchecked Sendable {  // `cause` is an immutable error value
    /// What kind of failure; extensible without breaking a `switch` in callers (they compare).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Nothing answers on the socket (or the socket may not be used).
        public static let daemonNotRunning = Code("daemon_not_running")
        /// The daemon closed the connection before answering (it stopped, or crashed).
        public static let connectionLost = Code("connection_lost")
        /// The daemon is stopping and refused the request, or cut it off (`shutting_down`).
        public static let daemonStopping = Code("daemon_stopping")
        /// The daemon answered with an error (`rpc` holds it).
        public static let refused = Code("refused")
        /// The daemon's answer could not be read: a version mismatch or a bug.
        public static let badResponse = Code("bad_response")
        /// An answer longer than the client reads in one line.
        public static let answerTooLarge = Code("answer_too_large")
        /// The request could not be encoded: a bug in the client.
        public static let unencodableRequest = Code("unencodable_request")

        public var description: String { name }
    }

    public var code: Code
    /// What happened and what to do about it.
    public var message: String
    /// The underlying error, when there is one.
    public var cause: (any Error)?
    /// Where the error was thrown.
    public var location: (file: String, line: Int)?

    public init(code: Code, message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.location = (file, line)
    }

    /// The daemon's own error, when it answered with one.
    public var rpc: RPCError? { cause as? RPCError }

    public var description: String { message }

    /// Nothing answers at `socketPath`; `detail` is the system's word for why.
    public static func daemonNotRunning(socketPath: String, detail: String, cause: (any Error)? = nil,
                                        file: String = #fileID, line: Int = #line) -> ClientError {
        let message = detail == "Permission denied"
            ? "you may not use the coroqd at \(socketPath) (Permission denied); ask to be added to its group (coroq for the system daemon), then log in again"
            : "coroqd is not running on \(socketPath) (\(detail)); start it with `coroqd` (or pass --socket / set COROQ_SOCKET)"
        return ClientError(code: .daemonNotRunning, message: message, cause: cause, file: file, line: line)
    }

    /// The daemon closed the connection before answering.
    public static func connectionLost(cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) -> ClientError {
        ClientError(code: .connectionLost, message: "coroqd closed the connection before answering (did it stop?); see its log",
                    cause: cause, file: file, line: line)
    }

    /// The daemon answered with `error`: `daemonStopping` for `shutting_down`, else `refused`.
    public static func rpc(_ error: RPCError, file: String = #fileID, line: Int = #line) -> ClientError {
        guard error.knownCode == .shuttingDown else {
            return ClientError(code: .refused, message: error.message, cause: error, file: file, line: line)
        }
        let message = error.message.hasPrefix("coroqd is stopping") ? error.message : "coroqd is stopping: \(error.message)"
        return ClientError(code: .daemonStopping, message: message, cause: error, file: file, line: line)
    }

    /// An answer longer than the client reads (`limit` bytes): nothing is wrong with either side, the
    /// answer is too big for one line.
    public static func answerTooLarge(limit: Int, file: String = #fileID, line: Int = #line) -> ClientError {
        ClientError(
            code: .answerTooLarge,
            message: "coroqd's answer was larger than the \(limit / (1024 * 1024)) MiB this client reads in one line; ask for less (a smaller --limit, or one task: coroq show ID, coroq result ID)",
            file: file, line: line)
    }

    /// The daemon's answer could not be read.
    public static func badResponse(_ detail: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) -> ClientError {
        ClientError(code: .badResponse, message: "unexpected answer from coroqd: \(detail); are coroq and coroqd the same version?",
                    cause: cause, file: file, line: line)
    }
}
