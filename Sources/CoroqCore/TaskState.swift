/// Where a task is in its life. Stored as its raw value; the wire uses the same words.
///
/// ```
///  queued ──claim──▶ running ──succeed──▶ succeeded
///    │  ▲              │ │ └───fail─────▶ failed
///    │  └───requeue────┘ └───cancel────▶ cancelled
///    └──────────────cancel─────────────▶ cancelled
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

    /// True once the task's future has completed; a final state never changes again.
    public var isFinal: Bool {
        switch self {
        case .queued, .running: false
        case .succeeded, .failed, .cancelled: true
        }
    }
}
