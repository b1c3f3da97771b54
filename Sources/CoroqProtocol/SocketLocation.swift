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
}
