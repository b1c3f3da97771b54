import ArgumentParser
import CoroqJSON
import CoroqProtocol

/// `coroq submit`'s limits and chains: `--timeout`, `--key`, `--on-success`, `--on-failure`, `--then`,
/// `--then-on`.
struct GuardOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Fail an attempt that runs longer than this with error `timeout` (an exec command gets SIGTERM, then SIGKILL 2 s later), e.g. --timeout 30s.",
        valueName: "DURATION"))
    var timeout: String?

    @Option(help: ArgumentHelp(
        "Idempotency key: if a task kept by the daemon has it, print that task's id instead of submitting another, e.g. --key nightly-2026-12-01.",
        valueName: "KEY"))
    var key: String?

    @Option(help: ArgumentHelp("Shell command to run when the task succeeds, e.g. --on-success 'touch /tmp/ok'.", valueName: "CMD"))
    var onSuccess: String?

    @Option(help: ArgumentHelp(
        "Shell command to run when the task fails or is cancelled, e.g. --on-failure 'mail -s failed root'.", valueName: "CMD"))
    var onFailure: String?

    @Option(parsing: .remaining, help: ArgumentHelp(
        "Submit a follow-up that runs after this task with its result as input; the rest of the words are its job and arguments, e.g. --then exec -- jq .stdout.",
        valueName: "JOB ARG…"))
    var then: [String] = []

    @Option(help: ArgumentHelp("With --then: success (the default: run the follow-up only if the task succeeded) or always.",
                               valueName: "WHEN"))
    var thenOn: ThenOnArgument?

    /// The options as plain values for `Submission`.
    var values: GuardValues {
        get throws {
            GuardValues(
                timeout: try timeout.map { text in
                    guard let seconds = Seconds.parse(text), seconds > 0 else {
                        throw ValidationError("--timeout \(text): expected \(Seconds.expected), above 0")
                    }
                    return seconds
                },
                key: key, onSuccess: onSuccess, onFailure: onFailure, then: then, thenOn: thenOn?.rawValue)
        }
    }
}

/// `--then-on`'s words.
enum ThenOnArgument: String, ExpressibleByArgument, CaseIterable {
    case success, always
}

/// `GuardOptions` parsed: what `Submission` puts in the task.
struct GuardValues {
    var timeout: Double?
    var key: String?
    var onSuccess: String?
    var onFailure: String?
    /// `--then`'s words: the follow-up's job, then its arguments.
    var then: [String] = []
    var thenOn: String?

    /// - Parameter then: the follow-up's words, from `--then` or from after a literal `--then` among the
    ///   job's words.
    func validate(then: [String], batch: Bool) throws {
        if thenOn != nil && then.isEmpty { throw ValidationError("--then-on goes with --then JOB [ARG…]") }
        if !then.isEmpty && batch {
            throw ValidationError("--then is for one task; in --batch, give \"then\": {\"job\": …, \"args\": …} on a line")
        }
        if let key, key.isEmpty { throw ValidationError("--key: give a non-empty key") }
        if key != nil && batch { throw ValidationError("--key is for one task; in --batch, give \"key\" on each line") }
        if !then.isEmpty, then[0].hasPrefix("-") || then[0] == "--" {
            throw ValidationError("--then: give the follow-up's job first, e.g. --then exec -- jq .stdout")
        }
    }

    /// Applies the options to a task (a batch line keeps what it sets itself).
    func apply(to spec: inout TaskSpec, followUp: FollowUpSpec?) {
        if spec.timeout == nil { spec.timeout = timeout }
        if spec.key == nil { spec.key = key }
        if spec.onSuccess == nil { spec.onSuccess = onSuccess }
        if spec.onFailure == nil { spec.onFailure = onFailure }
        if spec.then == nil { spec.then = followUp }
    }
}

extension Submission {
    /// `jobArguments` up to a literal `--then` (after `--`, where ArgumentParser leaves it a word), and
    /// the words after it: the follow-up's job and arguments.
    var splitAtThen: (own: [String], then: [String]) {
        guard let at = jobArguments.firstIndex(of: "--then") else { return (jobArguments, guards.then) }
        return (Array(jobArguments[..<at]), Array(jobArguments[(at + 1)...]))
    }

    /// The follow-up `--then` asks for: its job, and its arguments read as `coroq submit` reads a job's.
    func followUp(_ words: [String]) throws -> FollowUpSpec? {
        guard let job = words.first else { return nil }
        var words = Array(words.dropFirst())
        if words.first == "--" { words.removeFirst() }
        let reader = Submission(job: job, jobArguments: words)
        return FollowUpSpec(job: job, args: try reader.arguments(job), on: guards.thenOn)
    }
}

/// An id line of a submit with keys or follow-ups, for `--json`.
private struct GuardedIDLine: Encodable {
    var id: Int64
    var existing: Bool?
    var then: Int64?
}

extension Submission {
    /// The id lines of a submit with keys or follow-ups: with `--json`, `"existing": true` and `"then": ID`;
    /// otherwise the ids, and on stderr each existing task and each follow-up's id (stdout stays one id a
    /// task, for `id=$(coroq submit …)`).
    func guardedLines(_ result: SubmitResult, specs: [TaskSpec]) -> [String] {
        result.ids.enumerated().map { index, id in
            let existing = result.existing?[index] ?? false
            let then = result.then?[index] ?? nil
            if existing {
                let key = index < specs.count ? specs[index].key ?? "" : ""
                Output.error("task \(id) already submitted with key \(key)")
            }
            if json {
                return Output.json(GuardedIDLine(id: id, existing: existing ? true : nil, then: then), pretty: false)
            }
            if let then, !existing { Output.error("task \(id) is followed by task \(then) (--then)") }
            return "\(id)"
        }
    }
}
