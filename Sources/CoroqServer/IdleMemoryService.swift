import CoroqCore
import CoroqStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Gives a burst's memory back to the system once the daemon goes idle (issue 9).
///
/// After 600k no-ops the daemon held ~350 MiB idle against ~31 MiB fresh, of which ~45 MiB was in use
/// (`malloc_stats`): the rest was freed heap that glibc keeps in its arenas. Two things bound it:
/// - glibc's mmap threshold is fixed at its initial 128 KiB. By default it rises (up to 32 MiB) each time a
///   large block is freed, after which every large buffer of a burst (a 100k-task request, a claim's rows)
///   is carved out of the arenas and fragments them; fixed, such buffers are mapped and unmapped on their
///   own. The plateau after 300k no-ops: 324 → 161 MiB, with no measurable CPU cost per task.
/// - Once no task has finished, the process has used under 2 % CPU for a whole `period`, and nothing is
///   queued or running, it releases SQLite's memory (page cache, cached statements with their last bound
///   arguments — a submit's whole JSON text) and calls `malloc_trim(0)`, which hands every free page of
///   every arena back to the kernel.
///
/// Cheap while busy: `nudge()` (from every finished task) is one relaxed atomic load while the flag is up,
/// and the service wakes once per `period` to take the flag down; it never trims during a burst. Once it
/// has trimmed it sleeps without a timer until the next nudge. `COROQD_IDLE_TRIM=0` turns it off (the
/// benchmarks measure with and without it in the same run).
final class IdleMemoryService: Service, Sendable {
    private enum State: UInt8 {
        case quiet = 0, active = 1, parked = 2
    }

    private let state = Atomic<UInt8>(State.active.rawValue)
    private let parkedWaiter = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let store: SQLiteTaskStore
    private let period: Duration
    private let enabled: Bool
    private let logger: Logger

    init(store: SQLiteTaskStore, period: Duration = .seconds(1),
         enabled: Bool = ProcessInfo.processInfo.environment["COROQD_IDLE_TRIM"] != "0", logger: Logger) {
        self.store = store
        self.period = period
        self.enabled = enabled
        self.logger = logger
    }

    /// Something happened (a task finished, a request came): not idle. Safe from any thread, at any rate.
    func nudge() {
        guard state.load(ordering: .relaxed) != State.active.rawValue else { return }
        if state.exchange(State.active.rawValue, ordering: .acquiringAndReleasing) == State.parked.rawValue {
            parkedWaiter.withLock { $0.take() }?.resume()
        }
    }

    func run() async {
        guard enabled else {
            try? await gracefulShutdown()  // a service that returns early stops the whole group
            return
        }
        GlibcMalloc.fixMmapThreshold()
        await cancelWhenGracefulShutdown { await self.watch() }
    }

    private func watch() async {
        var cpu = ProcessCPU.now()
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: period)
            } catch {
                return
            }
            let used = ProcessCPU.now() - cpu
            cpu = ProcessCPU.now()
            // Taken down here, put up by the next nudge: still down at the next wake = a quiet period.
            if state.exchange(State.quiet.rawValue, ordering: .acquiringAndReleasing) == State.active.rawValue {
                continue
            }
            // Requests nudge nothing: the process's own CPU time says whether it served any.
            guard used < period / 50, await nothingToRun() else { continue }
            await releaseMemory()
            await park()
            cpu = ProcessCPU.now()
        }
    }

    private func nothingToRun() async -> Bool {
        guard let counts = try? await store.countsByState() else { return false }
        return (counts[.queued] ?? 0) == 0 && (counts[.running] ?? 0) == 0
    }

    private func releaseMemory() async {
        let before = ProcessMemory.residentBytes()
        do {
            try await store.releaseMemory()
        } catch {
            logger.debug("could not release SQLite's memory", metadata: ["error": "\(error)"])
        }
        GlibcMalloc.trim()
        logger.debug("idle: memory given back", metadata: [
            "rss_before_mib": "\(before / 1_048_576)", "rss_after_mib": "\(ProcessMemory.residentBytes() / 1_048_576)",
        ])
    }

    /// Sleeps, without a timer, until the next nudge (or shutdown).
    private func park() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                parkedWaiter.withLock { $0 = continuation }
                let parked = state.compareExchange(
                    expected: State.quiet.rawValue, desired: State.parked.rawValue, ordering: .acquiringAndReleasing
                ).exchanged
                // A nudge came between the trim and here, or shutdown began: do not sleep.
                if !parked || Task.isCancelled {
                    parkedWaiter.withLock { $0.take() }?.resume()
                }
            }
        } onCancel: {
            parkedWaiter.withLock { $0.take() }?.resume()
        }
    }
}

/// glibc's `malloc_trim` and `mallopt`, looked up at run time (`<malloc.h>` is not in Swift's Glibc module;
/// absent from another libc, they are skipped).
enum GlibcMalloc {
    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Option = @convention(c) (Int32, Int32) -> Int32
    private static let trimFunction: Trim? = dlsym(nil, "malloc_trim").map { unsafeBitCast($0, to: Trim.self) }
    private static let optionFunction: Option? = dlsym(nil, "mallopt").map { unsafeBitCast($0, to: Option.self) }
    /// `M_MMAP_THRESHOLD` in `<malloc.h>`.
    private static let mmapThresholdOption: Int32 = -3

    /// Blocks of 128 KiB and more always get their own mapping, returned to the kernel when freed (setting
    /// it also stops glibc from raising it after each free of such a block).
    static func fixMmapThreshold() {
        _ = optionFunction?(mmapThresholdOption, 128 * 1024)
    }

    /// Returns every free page of every arena to the kernel (`madvise(MADV_DONTNEED)`), not only the top
    /// of the main heap as `free` does by itself.
    static func trim() {
        _ = trimFunction?(0)
    }
}

/// The process's CPU time (all threads, user and system).
enum ProcessCPU {
    static func now() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }
}

/// The process's resident set, from /proc/self/statm (for the log line only).
enum ProcessMemory {
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
