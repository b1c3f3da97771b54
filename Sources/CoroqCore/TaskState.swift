/// Where a task is in its life. Stored as its raw value; the wire uses the same words.
///
/// ```
///  queued ──claim──▶ running ──succeed──▶ succeeded
///   │ ▲ ▲              │ │ │ └───fail────▶ failed
///   │ │ └───requeue────┘ │ └────cancel───▶ cancelled
///   │ │                  interrupt (crash, job not safe to repeat)
///   │ └─────retry──── interrupted ─cancel─▶ cancelled
///   └────────────────cancel───────────────▶ cancelled
///   ▲ ▲
///   │ └──retry (a person)── failed, cancelled
///   └──promote (run_at came)── scheduled ◀──backOff (failed, retries left)── running
///                                  └──cancel──▶ cancelled      (submitted --in/--at: scheduled)
///
///  blocked ──release (its dependencies finished)──▶ queued
///     └──────cancel (or a dependency failed)──────▶ cancelled
///  pending (a standalone future) ──succeed / fail / cancel──▶ succeeded / failed / cancelled
/// ```
public enum TaskState: String, Codable, Sendable, CaseIterable {
    /// Waiting for a free slot.
    case queued
    /// An attempt is in progress.
    case running
    /// Finished with a result.
    case succeeded
    /// Finished with an error.
    case failed
    /// Stopped by a person or program before it finished.
    case cancelled
    /// Was running when the daemon died, and its job is not safe to repeat: a person decides
    /// (`coroq retry` or `coroq cancel`).
    case interrupted
    /// Submitted with `--after`: waits for its dependencies to finish; never claimed in this state.
    case blocked
    /// A standalone future not resolved yet (`coroq future create`); never claimed.
    case pending
    /// Waits for its run time (`run_at`): submitted with `--in`/`--at`, or backing off after a failed
    /// attempt with retries left. Promoted to `queued` when the time comes; never claimed in this state.
    case scheduled

    /// True once the task's future has completed; a final state changes only by a person's `retry`.
    public var isFinal: Bool {
        switch self {
        case .queued, .running, .interrupted, .blocked, .pending, .scheduled: false
        case .succeeded, .failed, .cancelled: true
        }
    }
}
