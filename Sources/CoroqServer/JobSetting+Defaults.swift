import CoroqCore
import CoroqJSON
import TOMLKit

extension JobSetting {
    /// A `[jobs.NAME]` table's defaults for the tasks submitted to it: `queue`, `priority`, and `retries`
    /// with `backoff`, `backoff_base` and `backoff_cap`. Each is used when a submit does not give its own.
    static func readSubmitDefaults(
        of entry: TOMLTable, into setting: inout JobSetting, fail: (String?, String) -> ConfigError
    ) throws(ConfigError) {
        if let queue = entry["queue"] {
            guard let name = queue.string, QueueName.isValid(name) else {
                throw fail("queue", "expected a queue name as a string (queue = \"net\"): \(QueueName.expected)")
            }
            setting.queue = name
        }
        if let priority = entry["priority"] {
            guard let number = priority.int else { throw fail("priority", "expected a whole number (priority = 5)") }
            setting.priority = number
        }
        let backOffKeys = ["backoff", "backoff_base", "backoff_cap"]
        guard let retries = entry["retries"] else {
            if let key = backOffKeys.first(where: { entry[$0] != nil }) {
                throw fail(key, "a back-off needs retries = N in the same table")
            }
            return
        }
        guard let count = retries.int else { throw fail("retries", "expected a whole number (retries = 3)") }
        var policy = RetryPolicy(retries: count)
        if let backoff = entry["backoff"] {
            guard let word = backoff.string, let kind = RetryPolicy.Backoff(rawValue: word) else {
                throw fail("backoff", "expected \"fixed\" or \"exponential\"")
            }
            policy.backoff = kind
        }
        for (key, path) in [("backoff_base", \RetryPolicy.base), ("backoff_cap", \RetryPolicy.cap)] {
            guard let value = entry[key] else { continue }
            guard let text = value.string, let seconds = Seconds.parse(text), seconds > 0 else {
                throw fail(key, "expected \(Seconds.expected) above 0, as a string (\(key) = \"30s\")")
            }
            policy[keyPath: path] = seconds
        }
        if let problem = policy.problem { throw fail("retries", problem) }
        setting.retryPolicy = policy
    }
}
