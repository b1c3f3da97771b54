import CoroqCore
import Foundation

/// What an `exec` task's processes find in their environment.
///
/// Not the daemon's whole environment: a daemon started by hand or by a unit may hold secrets (tokens,
/// credentials) that its tasks have no business seeing. A task gets:
/// 1. the daemon's own values of `passedOn` (and of the names the daemon was configured to pass on,
///    `exec_pass_env`), or none of them with `clear_env` — as `coroq submit --inherit-env` asks, since it
///    sends the submitter's whole environment in `env`;
/// 2. `env`, the task's own variables (`--env KEY=VALUE`, or the submitter's environment);
/// 3. coroq's variables for the attempt (`taskVariables`), which nothing overrides.
struct ExecEnvironment: Sendable {
    /// The daemon's variables every task gets (when the daemon has them): where programs are, who and
    /// where the user is, the locale and the time zone.
    static let passedOn = [
        "PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES",
        "TZ", "TMPDIR",
    ]
    /// PATH when the daemon has none (systemd gives services one; an empty environment has none).
    static let fallbackPath = "/usr/local/bin:/usr/bin:/bin"

    /// The variables taken from the daemon's environment, read once when the job is made.
    let base: [String: String]
    /// The daemon's control socket, given to every attempt as `COROQ_SOCKET` (so that `coroq step` and the
    /// other task-scoped commands in a script reach this daemon).
    let controlSocket: String?
    /// The directory of the `coroq` CLI that belongs to this daemon, added at the end of every command's
    /// PATH when PATH does not name it: a script's `coroq step` then finds it even when the daemon was
    /// started from a shell that did not have it on PATH (`make run`, then the README's tour).
    let cliDirectory: String?

    init(
        daemon environment: [String: String] = ProcessInfo.processInfo.environment, alsoPassing names: [String] = [],
        controlSocket: String? = nil, cliDirectory: String? = nil
    ) {
        self.controlSocket = controlSocket
        self.cliDirectory = cliDirectory
        var base: [String: String] = [:]
        for name in Self.passedOn + names {
            if let value = environment[name] { base[name] = value }
        }
        if base["PATH"] == nil { base["PATH"] = Self.fallbackPath }
        self.base = base
    }

    /// The whole environment of attempt `context` of a task with `arguments`.
    func variables(for arguments: ExecJob.Arguments, context: JobContext) -> [String: String] {
        var variables = arguments.clearEnv == true ? [:] : base
        variables.merge(arguments.env ?? [:]) { _, task in task }
        variables.merge(taskVariables(context)) { _, coroq in coroq }
        return withCLIOnPath(variables)
    }

    /// What a task's `--on-done` command gets: `base`, `COROQ_SOCKET`, then `callbackVariables` (the task's id,
    /// state and result), with this daemon's `coroq` on PATH as for a task. Not the task's `--env`: the
    /// callback is the submitter's command about the task, not one of the task's processes.
    func variables(forCallback callbackVariables: [String: String]) -> [String: String] {
        var variables = base
        if let controlSocket { variables["COROQ_SOCKET"] = controlSocket }
        variables.merge(callbackVariables) { _, coroq in coroq }
        return withCLIOnPath(variables)
    }

    private func withCLIOnPath(_ variables: [String: String]) -> [String: String] {
        guard let cliDirectory else { return variables }
        var variables = variables
        let path = variables["PATH"] ?? ""
        if !path.split(separator: ":").contains(Substring(cliDirectory)) {
            variables["PATH"] = path.isEmpty ? cliDirectory : path + ":" + cliDirectory
        }
        return variables
    }

    /// What coroq tells every attempt about itself: one line per variable. Without a socket, an inherited
    /// `COROQ_SOCKET` is not passed on either (the daemon's own, or the submitter's).
    func taskVariables(_ context: JobContext) -> [String: String] {
        var variables = [
            "COROQ_TASK_ID": "\(context.taskID)",
            "COROQ_ATTEMPT": "\(context.attempt)",
        ]
        if let controlSocket { variables["COROQ_SOCKET"] = controlSocket }
        return variables
    }

    /// The directory of the running daemon's executable when a `coroq` CLI is installed beside it (as
    /// `make install` and a build both put them), else nil.
    static func daemonCLIDirectory() -> String? {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let directory = (executable as NSString).deletingLastPathComponent
        return FileManager.default.isExecutableFile(atPath: directory + "/coroq") ? directory : nil
    }

    /// Why `name` cannot be a variable's name, or nil when it can.
    static func problem(withName name: String) -> String? {
        if name.isEmpty { return "an environment variable needs a name" }
        if name.contains("=") || name.contains("\0") { return "'\(name)' cannot name an environment variable (no '=' or NUL)" }
        return nil
    }
}
