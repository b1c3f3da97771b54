import CoroqJSON

extension TaskError {
    /// The error of an attempt that ran past its `--timeout`: code `timeout`, "timed out after 30s".
    public static func timedOut(after seconds: Double?) -> TaskError {
        let limit = seconds.map(Self.describe) ?? "its timeout"
        return TaskError(code: timeoutCode, message: "timed out after \(limit)",
                         details: seconds.map { ["timeout_seconds": .double($0)] })
    }

    /// The code of a timed-out attempt's failure.
    public static let timeoutCode = "timeout"

    /// Seconds as people write them: `500ms`, `30s`, `1m30s`, `2h`, `1.5s`.
    static func describe(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        guard seconds == seconds.rounded(), seconds < 1e9 else { return "\(seconds)s" }
        var rest = Int(seconds)
        var text = ""
        for (unit, size) in [("d", 86400), ("h", 3600), ("m", 60)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return rest > 0 || text.isEmpty ? text + "\(rest)s" : text
    }
}
