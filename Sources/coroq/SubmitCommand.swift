import ArgumentParser
import CoroqClient
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a task; prints its id.",
        discussion: """
            Built-in jobs take their arguments as words:
              coroq submit sleep 2                          # {"seconds": 2}
              coroq submit exec -- sh -c 'echo hi; exit 3'  # {"argv": [...], "cwd": "<current directory>"}
              coroq submit noop                             # {}
            Any job takes a JSON object with --args, and other jobs than these take KEY=VALUE words (each \
            value a string; a job defined in coroqd.toml fills its command's {KEY} placeholders with them):
              coroq submit noop --args '{"x": 1}'
              coroq submit sync source=/srv/www target=backup:/www
            --on-done runs a shell command when the task finishes, with COROQ_TASK_ID, COROQ_TASK_STATE and \
            COROQ_TASK_RESULT (JSON: the result, or the error) in its environment, beside what an exec task \
            gets without --env (PATH, HOME, USER, LANG…, exec_pass_env, COROQ_SOCKET), not the daemon's own.
            --no-repeat: if the daemon dies while the task runs, it is not run again but becomes `interrupted` \
            until you `coroq retry` or `coroq cancel` it.

            An exec command's environment is not coroqd's: it gets PATH, HOME, USER, LOGNAME, SHELL, LANG, \
            LANGUAGE, LC_*, TZ and TMPDIR from coroqd (and the names in its exec_pass_env setting), the \
            variables given with --env, and COROQ_TASK_ID and COROQ_ATTEMPT. --inherit-env gives it your \
            environment as it is now instead of coroqd's (stored with the task). When the command exits, what \
            it left running in its process group is ended (SIGTERM, then SIGKILL 2 s later) unless \
            --keep-children.
              coroq submit --env MODE=fast --env TOKEN exec -- ./build.sh   # TOKEN: your value of it

            --after ID (repeatable, or ID,ID…) makes the task wait, `blocked`, until those tasks or futures have finished; it is not \
            started before. With --after-policy succeeded (the default) a dependency that fails or is cancelled \
            cancels it ("dependency 12 failed"); with finished it runs whatever their outcome. The ids must \
            exist (a task can only wait for older ones, so there are no cycles); finished ones count at once.
              a=$(coroq submit exec -- make); coroq submit --after "$a" exec -- make install

            --timeout D limits each attempt (counted from its start; a retry or a restart starts afresh): past \
            it the attempt is cancelled, an exec command's process group gets SIGTERM, then SIGKILL 2 s \
            later, and the task fails with error `timeout` ("timed out after 30s"). A job may have a default \
            (`timeout` of a [jobs.NAME] in coroqd.toml).
              coroq submit --timeout 30s exec -- ./fetch.sh
            --key KEY: if the daemon keeps a task with this key (live, or finished and not yet deleted by \
            retention or coroq clean), its id is printed instead of submitting another, with a note on \
            stderr ("--json": "existing": true); the same key with another job or other arguments is refused.
              coroq submit --key backup-$(date +%F) exec -- ./backup.sh
            --on-success CMD / --on-failure CMD run like --on-done, only when the task succeeded / failed or \
            was cancelled; --on-done (any outcome) runs first.
              coroq submit --on-failure 'mail -s failed root </dev/null' exec -- ./sync.sh
            --then JOB [ARG…], last on the line (every word after it is the follow-up's), submits a follow-up \
            that waits for this task and gets its result as input (or {"error": …}): an exec follow-up in \
            COROQ_INPUT (and the task's id in COROQ_INPUT_TASK), another job as "input" in its arguments. --then-on success (the default) cancels it \
            unless the task succeeded; always runs it anyway. The follow-up's id goes to stderr ("--json": \
            "then": ID). A command that needs a literal --then word goes in --args or --batch.
              coroq submit exec -- ./build.sh --then exec -- sh -c 'echo "$COROQ_INPUT" | jq .exit_status'
              coroq submit --then-on always sleep 5 --then noop

            --batch reads tasks from stdin, one JSON object per line:
              {"job": "sleep", "args": {"seconds": 1}, "on_done": "echo done", "no_repeat": true}
              {"job": "noop", "after": [12, 13], "after_policy": "finished"}
              {"job": "noop", "in": "5m", "priority": 5, "retries": 3, "backoff": "fixed", "backoff_base": "2s"}
              {"job": "noop", "at": "2026-12-24 18:00"}
              {"job": "noop", "key": "k1", "timeout": 30, "on_success": "echo ok", "on_failure": "echo bad"}
              {"job": "sleep", "args": {"seconds": 1}, "then": {"job": "noop", "on": "always"}}
            and submits them all in one request, all or none (up to the daemon's request size, 16 MiB by \
            default: about 500,000 short lines); the ids are printed in order. --on-done, \
            --no-repeat, --after, --after-policy, --timeout, --on-success and --on-failure apply to lines that do not set them (--key and --then do not: give "key" and "then" per line). A bad line is reported with its number and \
            nothing is submitted. The timing options below also apply to lines that do not set them.

            Timing. --in DURATION or --at TIME stores the task `scheduled` until then (durable: a restart \
            keeps the time); `coroq show` says when it runs, `coroq cancel` cancels it meanwhile.
              coroq submit --in 10m exec -- ./report.sh
              coroq submit --at 23:30 exec -- ./backup.sh    # today, local; a past time runs at once
              coroq submit --at '2026-12-24 18:00' noop
            --priority N: queued tasks start highest first, ties oldest first (default 0).
              coroq submit --priority 10 exec -- ./urgent.sh
            --retries N runs a task again after a failed attempt (any error, a timeout too; never after a \
            cancel), at most N times: it waits `scheduled` for its back-off, then queues. --backoff \
            exponential (the default) waits base, 2×base, 4×base… up to --backoff-cap (default 1h); fixed \
            waits the base (--backoff-base, default 1s) every time. --jitter F takes up to the fraction F \
            (0 to 1) off each wait, differently per task. Dependents and --on-done see only the final outcome; \
            `coroq wait` waits through the retries. A registered job may declare a default policy.
              coroq submit --retries 3 --backoff exponential exec -- sh -c 'exit 1'
              coroq submit --retries 5 --backoff fixed --backoff-base 30s --jitter 0.2 exec -- ./flaky.sh
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "The job to run: noop, sleep, exec, or one registered in the daemon.")
    var job: String?

    @Argument(help: "The job's arguments (after `--` for exec).")
    var jobArguments: [String] = []

    @Option(name: .customLong("args"), help: "The job's arguments as a JSON object.")
    var argumentsJSON: String?

    @Option(help: "Shell command to run when the task finishes.")
    var onDone: String?

    @Flag(help: "Never run the task twice: after a crash it waits, `interrupted`, for a person.")
    var noRepeat = false

    @Flag(help: "Read tasks from stdin, one JSON object per line, and submit them all at once.")
    var batch = false

    @Option(help: ArgumentHelp(
        "Wait (blocked) until this task or future has finished; repeatable, or ids separated by commas.",
        valueName: "ID[,ID…]"))
    var after: [String] = []

    /// The `--after` ids.
    var afterIDs: [Int64] {
        get throws {
            try after.flatMap { $0.split(separator: ",") }.map { (word: Substring) -> Int64 in
                guard let id = Int64(word), id > 0 else {
                    throw ValidationError("--after \(word): expected a task or future id (e.g. --after 12 or --after 12,13)")
                }
                return id
            }
        }
    }

    @Option(help: ArgumentHelp(
        "With --after: succeeded (a dependency that fails or is cancelled cancels this task) or finished (run anyway).",
        valueName: "POLICY"))
    var afterPolicy: AfterPolicyArgument?

    @Option(name: .customLong("env"), help: ArgumentHelp(
        "exec: set a variable for the command (KEY alone: your value of it); repeatable.", valueName: "KEY=VALUE"))
    var environment: [String] = []

    @Flag(help: "exec: run the command with your environment as it is now, not coroqd's.")
    var inheritEnv = false

    @Flag(help: "exec: let processes the command leaves running go on after it exits.")
    var keepChildren = false

    @OptionGroup(title: "Timing") var timing: TimingOptions
    @OptionGroup(title: "Queues and labels") var queueOptions: SubmitQueueOptions
    @OptionGroup var guards: GuardOptions

    /// The command as plain values: what `validate` and `run` work on.
    var submission: Submission {
        queueOptions.applied(to: Submission(socket: options.socket, json: options.json, job: job, jobArguments: jobArguments,
                   argumentsJSON: argumentsJSON, onDone: onDone, noRepeat: noRepeat, batch: batch,
                   environment: environment, inheritEnv: inheritEnv, keepChildren: keepChildren,
                   after: (try? afterIDs) ?? [], afterPolicy: afterPolicy?.rawValue,
                   timing: (try? timing.timing()) ?? SubmitTimingValues(),
                   guards: (try? guards.values) ?? GuardValues()))
    }

    func validate() throws {
        _ = try afterIDs
        _ = try timing.timing()
        _ = try guards.values
        try submission.validate()
    }

    func run() async throws {
        try await submission.run()
    }
}

/// `coroq submit` once parsed: its options as plain values, so that the plain form can be run without
/// building the command (ArgumentParser's property wrappers) at all.
struct Submission {
    var socket: String?
    var json = false
    var job: String?
    var jobArguments: [String] = []
    var argumentsJSON: String?
    var onDone: String?
    var noRepeat = false
    var batch = false
    /// exec only: `--env` words, `--inherit-env`, `--keep-children`.
    var environment: [String] = []
    var inheritEnv = false
    var keepChildren = false
    /// `--after` ids and `--after-policy`.
    var after: [Int64] = []
    var afterPolicy: String?
    /// `--in`/`--at`, `--priority`, `--retries` and the back-off, for each task that does not set them.
    var timing = SubmitTimingValues()
    /// `--queue` and `--label` (`SubmitCommand+Queue.swift`).
    var queue: String?
    var label: String?
    /// `--timeout`, `--key`, `--on-success`, `--on-failure`, `--then`, `--then-on`.
    var guards = GuardValues()

    /// `coroq submit JOB [WORD…]` with no option, no `--` and no word that starts with `-`, read as
    /// ArgumentParser reads it, without it: ArgumentParser reads every command's properties by reflection
    /// and tries two parses for `--generate-completion-script` first, about 1 ms per call, most of a plain
    /// submit's own work (issue 5). Anything else is left to ArgumentParser (nil).
    static func plain(_ arguments: [String]) -> Submission? {
        guard arguments.count >= 2, arguments[0] == "submit",
              arguments.dropFirst().allSatisfy({ !$0.isEmpty && !$0.hasPrefix("-") && $0 != "help" })
        else { return nil }
        let submission = Submission(job: arguments[1], jobArguments: Array(arguments.dropFirst(2)))
        // Never fails with a job and without --batch; if it did, ArgumentParser would word the error.
        guard (try? submission.validate()) != nil else { return nil }
        return submission
    }

    func validate() throws {
        if batch {
            guard job == nil, argumentsJSON == nil else {
                throw ValidationError("--batch reads every task from stdin; give no job or --args")
            }
        } else if job == nil {
            throw ValidationError("give the job to run (e.g. coroq submit sleep 2), or --batch")
        }
        if afterPolicy != nil && after.isEmpty && !batch {
            throw ValidationError("--after-policy goes with --after ID…")
        }
        try guards.validate(then: splitAtThen.then, batch: batch)
        if !environment.isEmpty || inheritEnv || keepChildren {
            guard !batch, job == "exec" else {
                throw ValidationError(
                    "--env, --inherit-env and --keep-children are for one exec task; in --batch, give \"env\" or \"keep_children\" in its args")
            }
            _ = try variables()
        }
    }

    /// The exec arguments that `--env`, `--inherit-env` and `--keep-children` add.
    private func execOptions() throws -> [String: JSONValue] {
        var options: [String: JSONValue] = [:]
        if !environment.isEmpty || inheritEnv {
            options["env"] = .object(try variables().mapValues(JSONValue.string))
        }
        if inheritEnv { options["clear_env"] = true }
        if keepChildren { options["keep_children"] = true }
        return options
    }

    /// The command's variables: the submitter's whole environment with `--inherit-env`, then each `--env`
    /// (`KEY=VALUE`, or `KEY` for the submitter's value of it).
    private func variables() throws -> [String: String] {
        let own = ProcessInfo.processInfo.environment
        var variables = inheritEnv ? own : [:]
        for word in environment {
            let name = String(word.prefix { $0 != "=" })
            guard !name.isEmpty else { throw ValidationError("--env \(word): expected KEY=VALUE (or KEY for your value of it)") }
            if name.count < word.count {
                variables[name] = String(word.dropFirst(name.count + 1))
            } else if let value = own[name] {
                variables[name] = value
            } else {
                throw ValidationError("--env \(name): you have no variable \(name) to pass on; give --env \(name)=VALUE")
            }
        }
        return variables
    }

    /// The one task of a submit without `--batch` (also what a schedule's firings submit).
    func singleTask() throws -> TaskSpec {
        guard let job, !batch else { throw ValidationError("give the job to run, e.g. sleep 2 or exec -- CMD") }
        let (ownWords, then) = splitAtThen
        var own = self
        own.jobArguments = ownWords
        var spec = TaskSpec(
            job: job, args: try own.arguments(job), onDone: onDone, noRepeat: noRepeat ? true : nil,
            after: after.isEmpty ? nil : after, afterPolicy: afterPolicy, queue: queue, label: label)
        timing.apply(to: &spec)
        guards.apply(to: &spec, followUp: try followUp(then))
        return spec
    }

    func run() async throws {
        let dependencies = BatchInput.Dependencies(after: after.isEmpty ? nil : after, policy: afterPolicy)
        var input = try batch ? BatchInput.read(defaultOnDone: onDone, noRepeat: noRepeat, dependencies: dependencies, timing: timing)
            : BatchInput(specs: [try singleTask()])
        if batch {
            applyQueueDefaults(to: &input)
            for index in input.specs.indices { guards.apply(to: &input.specs[index], followUp: nil) }
        }
        let result = try await ClientOptions.withClient(socket: socket) { client in
            do {
                return try await client.call(.submit, SubmitParams(tasks: input.specs), as: SubmitResult.self)
            } catch let error as ClientError where batch && error.code == .refused && error.rpc != nil {
                throw ClientError.rpc(input.locate(error.rpc!))
            }
        }
        // One write for every id: a line per write cost 100k system calls for a batch of 100k.
        guard result.existing != nil || result.then != nil else {
            let lines = result.ids.map { json ? Output.json(["id": $0], pretty: false) : "\($0)" }
            Output.line(lines.joined(separator: "\n"))
            return
        }
        Output.line(guardedLines(result, specs: input.specs).joined(separator: "\n"))
    }

    /// `arguments` (an object) with what the exec options add, over its own values.
    private func withExecOptions(_ arguments: JSONValue) throws -> JSONValue {
        guard case .object(var fields) = arguments else { return arguments }
        let options = try execOptions()
        guard !options.isEmpty else { return arguments }
        fields.merge(options) { _, option in option }
        return .object(fields)
    }

    /// The job's arguments from `--args` or from the positional sugar of the built-in jobs.
    func arguments(_ job: String) throws -> JSONValue {
        if let argumentsJSON {
            guard jobArguments.isEmpty else {
                throw ValidationError("give the job's arguments either as words or with --args, not both")
            }
            guard let value = try? JSONValue(parsing: Data(argumentsJSON.utf8)), case .object = value else {
                throw ValidationError("--args must be a JSON object, e.g. --args '{\"seconds\": 1.5}'")
            }
            return try withExecOptions(value)
        }
        switch job {
        case "sleep":
            guard jobArguments.count == 1 else {
                throw ValidationError("usage: coroq submit sleep DURATION (e.g. coroq submit sleep 1.5, sleep 2m, sleep 1h30m)")
            }
            guard let seconds = Seconds.parse(jobArguments[0]) else {
                throw ValidationError("sleep: \(DurationSyntaxError(text: jobArguments[0]))")
            }
            return ["seconds": .double(seconds)]
        case "exec":
            guard !jobArguments.isEmpty else {
                throw ValidationError("usage: coroq submit exec -- COMMAND [ARGUMENT…]")
            }
            return try withExecOptions(["argv": .array(jobArguments.map(JSONValue.string)),
                                        "cwd": .string(FileManager.default.currentDirectoryPath)])
        default:
            // KEY=VALUE words: an object of strings (a config job's placeholders, or any job's string fields).
            var fields: [String: JSONValue] = [:]
            for word in jobArguments {
                let key = String(word.prefix { $0 != "=" })
                guard !key.isEmpty, key.count < word.count else {
                    throw ValidationError(
                        "job '\(job)' takes KEY=VALUE words (e.g. coroq submit \(job) path=/srv) or a JSON object with --args; '\(word)' is neither")
                }
                guard fields[key] == nil else { throw ValidationError("\(key)= is given twice") }
                fields[key] = .string(String(word.dropFirst(key.count + 1)))
            }
            return .object(fields)
        }
    }
}

/// `--after-policy`'s words.
enum AfterPolicyArgument: String, ExpressibleByArgument, CaseIterable {
    case succeeded, finished
}
