import Foundation

// The four payloads of BENCHMARKS.md "The JSON stack": what a job's arguments and results look like.

struct SleepArguments: Codable { var seconds: Double }

struct ExecArguments: Codable {
    var argv: [String]
    var cwd: String?
    var environment: [String: String]?
}

struct ExecResult: Codable {
    var exitCode: Int32
    var signal: Int32?
    var durationSeconds: Double
    var stdoutTail: String
    var stderrTail: String
    var counters: [String: Int]
    var finishedAt: Date
}

struct Document: Codable {
    struct Row: Codable {
        var id: Int64
        var name: String
        var score: Double
        var tags: [String]
        var active: Bool
        var parent: Int64?
    }
    var rows: [Row]
}

enum Payloads {
    static let sleep = SleepArguments(seconds: 2)

    static let exec = ExecArguments(
        argv: ["rsync", "-a", "--delete", "--exclude=.git", "--bwlimit=2000", "-e", "ssh -p 2222",
               "/srv/data/projects/", "backup@example.org:/backups/projects/", "--log-file=/var/log/rsync.log"],
        cwd: nil, environment: nil)

    static let result = ExecResult(
        exitCode: 0, signal: nil, durationSeconds: 12.345678,
        stdoutTail: String(repeating: "sent 1,234 bytes  received 56 bytes  2,580.00 bytes/sec\n", count: 12),
        stderrTail: "warning: some files vanished before they could be transferred (code 24)\n",
        counters: ["files": 1234, "bytes": 98_765_432, "deleted": 3, "skipped": 17],
        finishedAt: Date(timeIntervalSinceReferenceDate: 786_000_000.25))

    static let document = Document(rows: (0..<7_000).map(row))

    private static func row(_ index: Int) -> Document.Row {
        let id = Int64(index)
        let parent: Int64? = index % 3 == 0 ? nil : id - 1
        return Document.Row(id: id * 7919, name: "row \(index) \u{e9}t\u{e9} \"quoted\"", score: Double(index) / 3,
                            tags: ["alpha", "beta", "gamma-\(index % 10)"], active: index % 2 == 0, parent: parent)
    }
}
