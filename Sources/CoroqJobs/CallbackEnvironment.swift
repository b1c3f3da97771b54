import Foundation

/// The environment of a task's `--on-done` command: the same explicit one an `exec` task gets (the daemon's
/// few usual variables and those named in `exec_pass_env`, `COROQ_SOCKET`, this daemon's `coroq` on PATH),
/// never the daemon's whole environment, plus the task's `COROQ_TASK_ID`, `COROQ_TASK_STATE` and
/// `COROQ_TASK_RESULT`.
public struct CallbackEnvironment: Sendable {
    private let environment: ExecEnvironment

    /// `alsoPassing`: the `exec_pass_env` setting; `controlSocket`: the daemon's socket, or nil for none.
    public init(
        daemon: [String: String] = ProcessInfo.processInfo.environment, alsoPassing names: [String] = [],
        controlSocket: String? = nil
    ) {
        environment = ExecEnvironment(
            daemon: daemon, alsoPassing: names, controlSocket: controlSocket, cliDirectory: ExecEnvironment.daemonCLIDirectory())
    }

    /// Every variable of the callback of the task `id`, which ended in `state` with `result` (JSON text).
    public func variables(task id: String, state: String, result: String) -> [String: String] {
        environment.variables(forCallback: ["COROQ_TASK_ID": id, "COROQ_TASK_STATE": state, "COROQ_TASK_RESULT": result])
    }
}
