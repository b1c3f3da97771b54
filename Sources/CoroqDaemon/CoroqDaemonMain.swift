import ArgumentParser
import CoroqCore

/// The whole of `coroqd` — flags, config file, socket, systemd support, logging — as a library. A Swift
/// package runs its own daemon with its own jobs in a few lines (docs/WRITING-JOBS.md):
///
/// ```swift
/// import CoroqCore
/// import CoroqDaemon
///
/// @main enum MyDaemon {
///     static func main() async {
///         await CoroqDaemonMain.main { jobs in
///             jobs.register(Resize())
///         }
///     }
/// }
/// ```
/// The `coroq` CLI talks to it as to `coroqd`.
public enum CoroqDaemonMain {
    /// Reads the command line as `coroqd` does and runs the daemon with the built-in jobs (`noop`, `sleep`,
    /// `exec`) and those `register` adds (one registered under a built-in's name replaces it). Exits the
    /// process with `coroqd`'s exit codes: 0 after a graceful stop, 1 when it cannot start, 64 on a usage
    /// mistake.
    public static func main(registering register: (inout JobRegistry) -> Void = { _ in }) async -> Never {
        do {
            var command = try DaemonCommand.parseAsRoot()
            if let daemon = command as? DaemonCommand {
                try await daemon.run(registering: register)
            } else if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            DaemonCommand.exit()
        } catch {
            DaemonCommand.exit(withError: error)
        }
    }
}
