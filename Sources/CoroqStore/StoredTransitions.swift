import CoroqCore

/// The task transitions that the store's set-based statements apply to many rows at once, as SQL literals
/// taken from the core's one `switch` (`TaskState.applying`), so that the SQL cannot disagree with it. They
/// are literals, not bound values: SQLite uses a partial index (`WHERE state = 'queued'`) only when the
/// statement names the same literal.
enum StoredTransition {
    /// A transition's states, quoted for SQL.
    struct Literals {
        let from: String
        let to: String
    }

    /// A claim: `queued` → `running`.
    static let claim = literals(from: .queued, .claim)
    /// An outcome (`succeed`, `fail`) applies to a `running` task only.
    static let outcome = literals(from: .running, .succeed)
    /// A cut-off attempt of a task safe to repeat (start-up after a crash): `running` → `queued`.
    static let requeue = literals(from: .running, .cutOff(repeatable: true))
    /// A cut-off attempt of a task that must not run twice: `running` → `interrupted`.
    static let interrupt = literals(from: .running, .cutOff(repeatable: false))
    /// A scheduled task's run time came: `scheduled` → `queued`.
    static let promote = literals(from: .scheduled, .promote)

    /// `state` as an SQL literal.
    static func literal(_ state: TaskState) -> String {
        "'\(state.rawValue)'"
    }

    private static func literals(from state: TaskState, _ event: TaskEvent) -> Literals {
        // The pairs above are legal by construction (TaskStateMachineTests); a change to the core's switch
        // that made one illegal stops the daemon at its first write instead of writing a wrong state.
        guard let next = try? state.applying(event) else {
            preconditionFailure("the store applies '\(event)' to \(state.rawValue) tasks, which TaskState no longer allows")
        }
        return Literals(from: literal(state), to: literal(next))
    }
}
