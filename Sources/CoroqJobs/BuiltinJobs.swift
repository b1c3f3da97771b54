import CoroqCore

extension JobRegistry {
    /// A registry with the built-in jobs: `noop`, `sleep` and `exec` (logging under `logDirectory`).
    public static func builtins(logDirectory: String) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(NoopJob())
        registry.register(SleepJob())
        registry.register(ExecJob(logDirectory: logDirectory))
        return registry
    }
}
