import CoroqStore
import Synchronization

/// Renders of live regions shared by the open pages that show the same thing (the same address): a render
/// is reused while nothing was committed since it began (`ChangeSignal.generation`), so ten browsers on the
/// overview cost one render per change, not ten.
final class RenderCache: Sendable {
    private struct Entry {
        let generation: UInt64
        let html: String?
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let changes: ChangeSignal

    init(changes: ChangeSignal) {
        self.changes = changes
    }

    func render(_ key: String, _ make: @Sendable () async -> String?) async -> String? {
        let generation = changes.generation
        if let entry = entries.withLock({ $0[key] }), entry.generation == generation { return entry.html }
        let html = await make()
        entries.withLock { entries in
            // Only a few addresses are ever live at once; a stale entry is simply replaced.
            if entries.count > 256 { entries = [:] }
            entries[key] = Entry(generation: generation, html: html)
        }
        return html
    }
}
