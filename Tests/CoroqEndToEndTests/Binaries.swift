import Foundation
import SystemPackage

/// The built `coroqd` and `coroq`, next to the test bundle (`swift test` builds them first).
enum Binaries {
    static let directory: String = {
        if let override = ProcessInfo.processInfo.environment["COROQ_BIN_DIR"] { return override }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
    }()

    static var coroqd: FilePath { FilePath("\(directory)/coroqd") }
    static var coroq: FilePath { FilePath("\(directory)/coroq") }
}

/// A fresh directory for one test's socket, database and files, removed when the test is done.
final class TestDirectory: Sendable {
    let path: String

    init() {
        // Short: a Unix socket path must fit in 108 bytes.
        path = "/tmp/coroq-e2e-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    var socket: String { "\(path)/coroqd.sock" }
    var database: String { "\(path)/state/coroq.db" }

    func file(_ name: String) -> String { "\(path)/\(name)" }
}
