import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What systemd passes a service in its environment: a listening socket (socket activation), the notify
/// socket (`Type=notify`) and the watchdog period. Read once, then removed from the environment so that
/// no `exec` child takes them as its own.
struct SystemdEnvironment {
    /// The listening socket, when systemd passed exactly one to this process (`LISTEN_FDS=1`, fd 3).
    var activatedSocket: Int32?
    var notifySocket: String?
    /// Half of `WATCHDOG_USEC`: how often to ping.
    var watchdogInterval: Duration?

    static func take() -> SystemdEnvironment {
        let environment = ProcessInfo.processInfo.environment
        let forUs = { (variable: String) in environment[variable].flatMap(Int32.init) == getpid() }
        var taken = SystemdEnvironment()
        if forUs("LISTEN_PID"), environment["LISTEN_FDS"] == "1" {
            taken.activatedSocket = 3  // SD_LISTEN_FDS_START
        }
        taken.notifySocket = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let microseconds = environment["WATCHDOG_USEC"].flatMap(Int64.init), microseconds > 0,
           environment["WATCHDOG_PID"] == nil || forUs("WATCHDOG_PID") {
            taken.watchdogInterval = .microseconds(microseconds / 2)
        }
        for variable in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"] {
            unsetenv(variable)
        }
        return taken
    }
}
