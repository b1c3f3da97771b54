import CoroqCore

extension JobRegistry {
    /// A registry with the built-in jobs: `noop`, `sleep` and `exec` (logging under `logDirectory`, live
    /// output offered to `outputHub`).
    public static func builtins(logDirectory: String, outputHub: OutputHub? = nil) -> JobRegistry {
        var registry = JobRegistry()
        registry.register(NoopJob())
        registry.register(SleepJob())
        registry.register(ExecJob(logDirectory: logDirectory, outputHub: outputHub))
        return registry
    }
}
