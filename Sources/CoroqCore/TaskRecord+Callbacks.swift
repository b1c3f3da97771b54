/// Which of a finished task's shell callbacks fire (`--on-done`, `--on-success`, `--on-failure`).
extension TaskRecord {
    /// True when it has any callback, whatever the outcome.
    public var hasCallback: Bool { onDone != nil || onSuccess != nil || onFailure != nil }

    /// The commands to run now that it has finished, in order: `on_done` (any outcome), then `on_success`
    /// if it succeeded or `on_failure` if it failed or was cancelled. Empty while it has not finished.
    public var firingCallbacks: [String] {
        guard state.isFinal else { return [] }
        var commands: [String] = []
        if let onDone { commands.append(onDone) }
        if state == .succeeded {
            if let onSuccess { commands.append(onSuccess) }
        } else if state == .failed || state == .cancelled {
            if let onFailure { commands.append(onFailure) }
        }
        return commands
    }
}
