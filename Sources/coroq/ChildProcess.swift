#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A command run in the foreground with this process's standard input, output, error and environment
/// (`coroq step`'s command): what a shell does with a command line.
enum ChildProcess {
    /// How a command ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signaled(Int32)
    }

    /// A command that could not be started (not found, not executable): the reason, as `strerror` says it.
    struct SpawnFailure: Error {
        let command: String
        let reason: String
    }

    /// Runs `argv` (the first looked up in PATH unless it holds a `/`) and waits for it to end.
    static func run(_ argv: [String]) throws(SpawnFailure) -> Ending {
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        let spawned = posix_spawnp(&pid, argv[0], nil, nil, arguments, environ)
        guard spawned == 0 else { throw SpawnFailure(command: argv[0], reason: String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .exited(127) }
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import (they are macros).
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }
}
