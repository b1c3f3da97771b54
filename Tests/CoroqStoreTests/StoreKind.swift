import CoroqCore
import CoroqStore
import Foundation
import Testing

/// The stores the conformance suite runs against.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case memory
    case sqlite

    var testDescription: String { rawValue }

    func make() throws -> any TaskStore {
        switch self {
        case .memory: InMemoryTaskStore()
        case .sqlite: try SQLiteTaskStore.open(path: TemporaryDirectory.shared.path + "/\(UUID().uuidString).db")
        }
    }
}

/// A fresh directory under the system's temporary directory, removed when the test is done.
final class TemporaryDirectory: Sendable {
    /// One directory for the conformance suite's databases, removed at exit.
    static let shared = TemporaryDirectory()

    let path: String

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    init() {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("coroq-tests-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
