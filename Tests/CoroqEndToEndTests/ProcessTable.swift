import Foundation

/// Processes of this machine as `/proc` shows them, for tests that check what was left running.
enum ProcessTable {
    /// Pids of live (not zombie) processes whose command line is exactly `argv`.
    static func live(_ argv: [String]) -> [Int32] {
        let wanted = Data((argv.joined(separator: "\0") + "\0").utf8)
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") == wanted,
                  let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let afterName = stat.range(of: ") ", options: .backwards)?.upperBound else { return false }
            return stat[afterName] != "Z"
        }
    }
}
