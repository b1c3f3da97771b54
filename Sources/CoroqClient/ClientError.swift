import CoroqProtocol

/// Why a call to the daemon did not give a result. The CLI maps each case to an exit code.
public enum ClientError: Error, CustomStringConvertible {
    /// Nothing answers on the socket.
    case daemonNotRunning(socketPath: String, detail: String)
    /// The daemon closed the connection before answering (it stopped, or crashed).
    case connectionLost
    /// The daemon answered with an error.
    case rpc(RPCError)
    /// The daemon's answer could not be read: a version mismatch or a bug.
    case badResponse(String)

    public var description: String {
        switch self {
        case .daemonNotRunning(let path, let detail) where detail == "Permission denied":
            "you may not use the coroqd at \(path) (Permission denied); ask to be added to its group (coroq for the system daemon), then log in again"
        case .daemonNotRunning(let path, let detail):
            "coroqd is not running on \(path) (\(detail)); start it with `coroqd` (or pass --socket / set COROQ_SOCKET)"
        case .connectionLost:
            "coroqd closed the connection before answering (did it stop?); see its log"
        case .rpc(let error) where error.knownCode == .shuttingDown:
            error.message.hasPrefix("coroqd is stopping") ? error.message : "coroqd is stopping: \(error.message)"
        case .rpc(let error):
            error.message
        case .badResponse(let detail):
            "unexpected answer from coroqd: \(detail); are coroq and coroqd the same version?"
        }
    }
}
