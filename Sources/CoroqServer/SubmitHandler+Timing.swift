import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation

/// A submitted task's timing: when it joins the queue, its priority, its retry policy.
struct SubmitTiming: Equatable {
    var runAt: Date?
    var priority = 0
    var retryPolicy: RetryPolicy?
}

extension SubmitHandler {
    /// The timing `spec` asks for, checked; the job's default priority and retry policy when the spec gives
    /// none. A run time at or before `now` runs at once (nil).
    func timing(of spec: TaskSpec, defaults: JobDefaults, index: Int, at now: Date) throws(RPCError) -> SubmitTiming {
        var timing = SubmitTiming(priority: spec.priority ?? defaults.priority ?? 0)
        timing.runAt = try runAt(of: spec, index: index, at: now).flatMap { $0 > now ? $0 : nil }
        if timing.runAt != nil, spec.after != nil {
            throw refusal(.invalidRunTime, index, "\"in\"/\"run_at\" and \"after\" cannot be combined; a task either waits for its dependencies or for a time")
        }
        timing.retryPolicy = try retryPolicy(of: spec, index: index) ?? defaults.retryPolicy
        return timing
    }

    private func runAt(of spec: TaskSpec, index: Int, at now: Date) throws(RPCError) -> Date? {
        switch (spec.delay, spec.runAt) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw refusal(.invalidRunTime, index, "give \"in\" or \"run_at\", not both")
        case (let delay?, nil):
            guard Seconds.isValid(delay) else {
                throw refusal(.invalidRunTime, index, "\"in\": \(delay) is not a delay; expected a number of seconds from 0 to \(Int(Seconds.maximum))")
            }
            return now.addingTimeInterval(delay)
        case (nil, let time?):
            guard time.isFinite, time >= 0, time <= now.timeIntervalSince1970 + Seconds.maximum else {
                throw refusal(.invalidRunTime, index, "\"run_at\": \(time) is not a usable time; expected seconds since 1970 (UTC), at most \(Int(Seconds.maximum)) s (about 31 years) from now")
            }
            return Date(timeIntervalSince1970: time)
        }
    }

    private func retryPolicy(of spec: TaskSpec, index: Int) throws(RPCError) -> RetryPolicy? {
        guard let retries = spec.retries else {
            if spec.backoff != nil || spec.backoffBase != nil || spec.backoffCap != nil || spec.jitter != nil {
                throw refusal(.invalidRetryPolicy, index, "\"backoff\", \"backoff_base\", \"backoff_cap\" and \"jitter\" go with \"retries\"")
            }
            return nil
        }
        let word = spec.backoff ?? RetryPolicy.Backoff.exponential.rawValue
        guard let backoff = RetryPolicy.Backoff(rawValue: word) else {
            throw refusal(.invalidRetryPolicy, index,
                "\"backoff\": '\(word)' is not one of \(RetryPolicy.Backoff.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let policy = RetryPolicy(
            retries: retries, backoff: backoff, base: spec.backoffBase ?? RetryPolicy.defaultBase,
            cap: spec.backoffCap ?? RetryPolicy.defaultCap, jitter: spec.jitter ?? 0)
        if let problem = policy.problem { throw refusal(.invalidRetryPolicy, index, problem) }
        return policy
    }

    private func refusal(_ code: RPCErrorCode, _ index: Int, _ message: String) -> RPCError {
        RPCError(code, "task \(index): \(message)", data: ["index": .int(Int64(index))])
    }
}
