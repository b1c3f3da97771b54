/// Why the daemon refused to start. The message says what to do; `coroqd` prints it and exits non-zero.
public struct DaemonStartupError: Error, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
