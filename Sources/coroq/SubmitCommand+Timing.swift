import ArgumentParser
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `coroq submit`'s timing options: when the task runs (`--in`, `--at`), before which others
/// (`--priority`), and how it retries (`--retries`, `--backoff`, `--backoff-base`, `--backoff-cap`,
/// `--jitter`). On the wire they are `TaskSpec`'s `in`, `run_at`, `priority`, `retries`, `backoff`…
struct TimingOptions: ParsableArguments {
    @Option(name: .customLong("in"), help: ArgumentHelp(
        "Run no sooner than this long from now (stored `scheduled` till then), e.g. --in 90s, --in 1h30m.",
        valueName: "DURATION"))
    var delay: String?

    @Option(help: ArgumentHelp(
        "Run no sooner than this time: HH:MM (today, local), 'YYYY-MM-DD HH:MM[:SS]' (local), or ISO 8601 with an offset such as 2026-12-24T18:00:00+01:00; a time past runs at once.",
        valueName: "TIME"))
    var at: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Higher runs first among queued tasks, ties oldest first (default 0; below 0 runs after the rest), e.g. --priority 10 or --priority -5.",
        valueName: "N"))
    var priority: Int?

    @Option(help: ArgumentHelp(
        "Run again after a failed attempt (any error, a timeout included; never a cancel), at most N times, e.g. --retries 3.",
        valueName: "N"))
    var retries: Int?

    @Option(help: ArgumentHelp(
        "With --retries: fixed (every wait is the base) or exponential (base, 2×base, 4×base…; the default), e.g. --backoff fixed.",
        valueName: "KIND"))
    var backoff: String?

    @Option(help: ArgumentHelp("With --retries: the first wait (default 1s), e.g. --backoff-base 500ms.", valueName: "DURATION"))
    var backoffBase: String?

    @Option(help: ArgumentHelp("With --retries: the longest wait (default 1h), e.g. --backoff-cap 10m.", valueName: "DURATION"))
    var backoffCap: String?

    @Option(help: ArgumentHelp(
        "With --retries: take up to this fraction (0 to 1) off each wait, different per task, so tasks that failed together do not retry together, e.g. --jitter 0.5.",
        valueName: "FRACTION"))
    var jitter: String?

    /// The options as a value the plain path can carry, checked.
    func timing() throws -> SubmitTimingValues {
        var values = SubmitTimingValues(priority: priority)
        if delay != nil && at != nil { throw ValidationError("give --in or --at, not both") }
        if let delay {
            guard let seconds = Seconds.parse(delay) else { throw ValidationError("--in \(delay): expected \(Seconds.expected)") }
            values.delay = seconds
        }
        if let at { values.runAt = try RunTime.parse(at, now: Date()) }
        guard let retries else {
            if backoff != nil || backoffBase != nil || backoffCap != nil || jitter != nil {
                throw ValidationError("--backoff, --backoff-base, --backoff-cap and --jitter go with --retries N")
            }
            return values
        }
        guard (0...1000).contains(retries) else {
            throw ValidationError("--retries \(retries): expected a whole number from 0 to 1000")
        }
        values.retries = retries
        if let backoff {
            guard ["fixed", "exponential"].contains(backoff) else {
                throw ValidationError("--backoff \(backoff): expected fixed or exponential")
            }
            values.backoff = backoff
        }
        values.backoffBase = try backoffBase.map { try duration("--backoff-base", $0) }
        values.backoffCap = try backoffCap.map { try duration("--backoff-cap", $0) }
        if let jitter {
            guard let fraction = Double(jitter), fraction >= 0, fraction <= 1 else {
                throw ValidationError("--jitter \(jitter): expected a fraction from 0 to 1, e.g. 0.5")
            }
            values.jitter = fraction
        }
        return values
    }

    private func duration(_ option: String, _ text: String) throws -> Double {
        guard let seconds = Seconds.parse(text) else { throw ValidationError("\(option) \(text): expected \(Seconds.expected)") }
        return seconds
    }
}

/// `TimingOptions` read and checked: what goes into each submitted `TaskSpec` that does not set it.
struct SubmitTimingValues: Equatable {
    var delay: Double?
    var runAt: Double?
    var priority: Int?
    var retries: Int?
    var backoff: String?
    var backoffBase: Double?
    var backoffCap: Double?
    var jitter: Double?

    /// Sets on `spec` what it does not set itself (a `--batch` line's own values win).
    func apply(to spec: inout TaskSpec) {
        if spec.delay == nil && spec.runAt == nil {
            spec.delay = delay
            spec.runAt = runAt
        }
        if spec.priority == nil { spec.priority = priority }
        if spec.retries == nil, let retries {
            spec.retries = retries
            spec.backoff = spec.backoff ?? backoff
            spec.backoffBase = spec.backoffBase ?? backoffBase
            spec.backoffCap = spec.backoffCap ?? backoffCap
            spec.jitter = spec.jitter ?? jitter
        }
    }
}
