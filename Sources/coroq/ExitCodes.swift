import ArgumentParser

/// The exit codes a script can rely on; listed in `coroq --help`.
enum ExitCodes {
    static let refused = ExitCode(1)
    static let taskFailed = ExitCode(2)
    static let pending = ExitCode(3)
    static let daemonUnavailable = ExitCode(69)
}
