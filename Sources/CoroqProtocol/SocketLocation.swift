#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the daemon's control socket is, agreed by `coroqd` and `coroq`.
public enum SocketLocation {
    /// `explicit` (a `--socket` flag), else `$COROQ_SOCKET`, else `$XDG_RUNTIME_DIR/coroq/coroqd.sock`,
    /// else `/tmp/coroq-UID/coroqd.sock`.
    public static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment["COROQ_SOCKET"], !path.isEmpty { return path }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty { return "\(runtime)/coroq/coroqd.sock" }
        return "/tmp/coroq-\(getuid())/coroqd.sock"
    }

    /// The system daemon's socket (`systemd/coroqd.socket`).
    public static let system = "/run/coroq/coroqd.sock"

    /// Where the CLI connects: like `resolve`, except that when neither a flag nor `$COROQ_SOCKET` names
    /// a socket and no per-user daemon's socket exists, the system daemon's is used if it exists.
    public static func forClient(
        explicit: String?, environment: [String: String], exists: (String) -> Bool
    ) -> String {
        let resolved = resolve(explicit: explicit, environment: environment)
        let named = (explicit?.isEmpty == false) || (environment["COROQ_SOCKET"]?.isEmpty == false)
        if !named, !exists(resolved), exists(system) { return system }
        return resolved
    }
}
