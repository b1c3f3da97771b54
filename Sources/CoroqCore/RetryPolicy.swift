import CoroqJSON
import Foundation

/// How a task is tried again after a failed attempt (`--retries`, `--backoff`, …): how many more attempts,
/// and how long to wait before each. Stored with the task; the wait is the task's `run_at` in state
/// `scheduled`, so it is durable and costs no timer of its own.
public struct RetryPolicy: Codable, Sendable, Equatable {
    /// How the wait grows from one retry to the next.
    public enum Backoff: String, Codable, Sendable, CaseIterable {
        /// Always `base`.
        case fixed
        /// `base`, `2 × base`, `4 × base`, … up to `cap`.
        case exponential
    }

    /// Attempts allowed after the first: a task with `retries` 3 runs at most 4 times.
    public var retries: Int
    public var backoff: Backoff
    /// The first wait, in seconds.
    public var base: Double
    /// The longest wait, in seconds.
    public var cap: Double
    /// A fraction 0…1 of each wait taken off at random (full jitter at 1): tasks that failed together do
    /// not all come back together. 0: waits are exact.
    public var jitter: Double

    public static let defaultBase = 1.0
    public static let defaultCap = 3600.0
    /// The most retries a policy may ask for.
    public static let maximumRetries = 1000

    public init(retries: Int, backoff: Backoff = .exponential, base: Double = defaultBase,
                cap: Double = defaultCap, jitter: Double = 0) {
        self.retries = retries
        self.backoff = backoff
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// What is wrong with this policy, for a person, or nil when it is fine.
    public var problem: String? {
        if retries < 0 || retries > Self.maximumRetries {
            return "retries \(retries) is out of range; expected a whole number from 0 to \(Self.maximumRetries)"
        }
        if !Seconds.isValid(base) { return "backoff base \(base) is out of range; expected \(Seconds.expected)" }
        if !Seconds.isValid(cap) { return "backoff cap \(cap) is out of range; expected \(Seconds.expected)" }
        if !(jitter >= 0 && jitter <= 1) { return "jitter \(jitter) is out of range; expected a fraction from 0 to 1" }
        return nil
    }

    /// True when a task whose attempt number `attempt` (1 for the first) failed may run again.
    public func allowsRetry(afterAttempt attempt: Int) -> Bool {
        attempt <= retries
    }

    /// The wait before the attempt after `attempt` (1 for the first) failed, in seconds. Jitter is drawn
    /// from the task's id and attempt, not a random generator: the same task and attempt always wait the
    /// same (a test can predict it; a restart does not change it), and tasks that failed together spread.
    public func delay(afterAttempt attempt: Int, of task: TaskID) -> Double {
        let exact: Double
        switch backoff {
        case .fixed: exact = base
        case .exponential: exact = base * pow(2, Double(min(max(attempt - 1, 0), 60)))
        }
        let capped = min(exact, cap)
        guard jitter > 0 else { return capped }
        return capped * (1 - jitter * Self.unitNoise(task.rawValue, attempt))
    }

    /// A number in 0..<1 from a task id and an attempt (splitmix64).
    static func unitNoise(_ id: Int64, _ attempt: Int) -> Double {
        var z = UInt64(bitPattern: id) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(truncatingIfNeeded: attempt)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Double(z >> 11) / Double(1 << 53)
    }
}
