import CoroqProtocol
import Logging

extension RequestDispatcher {
    /// Logs a refused request once, with its cause: what went wrong on the daemon's side (the database,
    /// a bug) as a warning or an error, a limit reached as a notice, a client's mistake at info.
    func logRefusal(method: String?, _ error: RPCError) {
        let metadata: Logger.Metadata = [
            "method": "\(method ?? "-")", "code": "\(error.code)",
            "reason": "\(error.knownCode?.reason ?? "unknown")",
        ]
        let message: Logger.Message = "refused a request: \(error.message)"
        switch error.knownCode {
        case .internalError: logger.error(message, metadata: metadata)
        case .storageFailure: logger.warning(message, metadata: metadata)
        case .taskTooLarge, .frameTooLarge, .tooManyConnections, .shuttingDown: logger.notice(message, metadata: metadata)
        default: logger.info(message, metadata: metadata)
        }
    }
}
