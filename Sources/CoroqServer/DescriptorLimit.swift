#if canImport(Glibc)
import Glibc
#endif

/// The process's descriptor limit: every connection and every running `exec` job holds descriptors.
enum DescriptorLimit {
    /// Raises the soft limit to the hard one (systemd's units set `LimitNOFILE`; a shell's default soft
    /// limit is often 1024) and returns the limit now in force.
    @discardableResult
    static func raiseToHardLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
