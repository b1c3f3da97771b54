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
        case .sqlite: try SQLiteTaskStore.open(path: TemporaryDirectory().path + "/coroq.db")
        }
    }
}

/// A fresh directory under the system's temporary directory.
struct TemporaryDirectory {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("coroq-tests-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}
