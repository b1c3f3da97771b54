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
            guard let uid = Self.userID(named: name) else { throw DaemonStartupError("allowed_users: no user named '\(name)'") }
            return uid
        })
        self.groups = Set(try groups.map { name in
            guard let gid = Self.groupID(named: name) else { throw DaemonStartupError("allowed_groups: no group named '\(name)'") }
            return gid
        })
    }

    /// True when the process with these credentials may use the daemon. Looks up the user's groups
    /// (which may ask NSS: LDAP, sssd), so it runs on a Dispatch thread, never on the async pool.
    func allows(uid: uid_t, gid: gid_t) async -> Bool {
        if uid == 0 || uid == getuid() || users.contains(uid) { return true }
        if groups.contains(gid) { return true }
        let groups = self.groups
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: !groups.isDisjoint(with: Self.groups(of: uid, primary: gid)))
            }
        }
    }

    /// The user's primary and supplementary groups (reentrant lookups: connections are checked concurrently).
    private static func groups(of uid: uid_t, primary: gid_t) -> Set<gid_t> {
        guard let name = userName(of: uid) else { return [primary] }
        var count: Int32 = 64
        var list = [gid_t](repeating: 0, count: Int(count))
        if getgrouplist(name, primary, &list, &count) < 0 {
            list = [gid_t](repeating: 0, count: Int(count))
            _ = getgrouplist(name, primary, &list, &count)
        }
        return Set(list.prefix(Int(max(count, 0)))).union([primary])
    }

    private static func userName(of uid: uid_t) -> String? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwuid_r(uid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.pw_name else {
            return nil
        }
        return String(cString: name)
    }

    static func userID(named name: String) -> uid_t? {
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.pw_uid
    }

    static func groupID(named name: String) -> gid_t? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
