import Logging
import Subprocess

extension ExecJob {
    /// Sets up, at start-up while descriptors are plenty, what every subprocess of the daemon shares.
    /// swift-subprocess creates its process monitor (an epoll, an eventfd, a thread) at the first spawn and
    /// never again: had that first spawn met EMFILE, the failure would stay for the life of the process and
    /// every later `exec` (and on-done command) would fail too. One `sh -c :` does it.
    public static func prepareSubprocesses(logger: Logger) async {
        do {
            _ = try await Subprocess.run(.path("/bin/sh"), arguments: ["-c", ":"], output: .string(limit: 16), error: .discarded)
        } catch {
            logger.warning("could not run a first subprocess; exec tasks may fail", metadata: ["error": "\(error)"])
        }
    }
}
