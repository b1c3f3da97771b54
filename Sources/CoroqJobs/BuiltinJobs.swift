import CoroqCore

extension JobRegistry {
    /// A registry with the built-in jobs: `noop`, `sleep` and `exec` (logging under `logDirectory`, live
    /// output offered to `outputHub`, the daemon's variables named in `execPassEnv` passed on to its
    /// commands besides the usual few, the daemon's socket given to its processes as `COROQ_SOCKET`).
    public static func builtins(
        logDirectory: String, outputHub: OutputHub? = nil, execPassEnv: [String] = [], controlSocket: String? = nil
    ) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(NoopJob())
        registry.register(SleepJob())
        registry.register(ExecJob(
            logDirectory: logDirectory, outputHub: outputHub, passingEnvironment: execPassEnv, controlSocket: controlSocket))
        return registry
    }
}
