import CoroqJSON

extension TaskError {
    /// The error of an attempt that ran past its `--timeout`: code `timeout`, "timed out after 30s".
    public static func timedOut(after seconds: Double?) -> TaskError {
        let limit = seconds.map(Seconds.describe) ?? "its timeout"
        return TaskError(code: timeoutCode, message: "timed out after \(limit)",
                         details: seconds.map { ["timeout_seconds": .double($0)] })
    }

    /// The code of a timed-out attempt's failure.
    public static let timeoutCode = "timeout"
}
