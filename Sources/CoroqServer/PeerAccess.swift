import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who may use the control socket beyond what its file mode allows: the users and groups named in the
/// config (`allowed_users`, `allowed_groups`), checked against the connecting process's credentials
/// (`SO_PEERCRED`). The daemon's own user and root are always allowed.
public struct PeerAccess: Sendable, Equatable {
    let users: Set<uid_t>
    let groups: Set<gid_t>

    /// Resolves names to ids; throws `DaemonStartupError` for a name that does not exist.
    public init(users: [String], groups: [String]) throws {
        self.users = Set(try users.map { name in
            guard let entry = getpwnam(name) else { throw DaemonStartupError("allowed_users: no user named '\(name)'") }
            return entry.pointee.pw_uid
        })
        self.groups = Set(try groups.map { name in
            guard let entry = getgrnam(name) else { throw DaemonStartupError("allowed_groups: no group named '\(name)'") }
            return entry.pointee.gr_gid
        })
    }

    /// True when the process with these credentials may use the daemon.
    func allows(uid: uid_t, gid: gid_t) -> Bool {
        if uid == 0 || uid == getuid() || users.contains(uid) { return true }
        return !groups.isDisjoint(with: Self.groups(of: uid, primary: gid))
    }

    /// The user's primary and supplementary groups.
    private static func groups(of uid: uid_t, primary: gid_t) -> Set<gid_t> {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return [primary] }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, primary, &list, &count)
        }
        return Set(list.prefix(Int(max(count, 0)))).union([primary])
    }
}
