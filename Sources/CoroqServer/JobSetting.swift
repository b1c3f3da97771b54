import CoroqCore
import CoroqJSON
import CoroqJobs
import TOMLKit

/// A `[jobs.NAME]` table of coroqd.toml: a command template a sysadmin registers as a job, without Swift.
///
/// ```toml
/// [jobs.sync]
/// command = ["rsync", "-a", "{source}/", "{target}"]
/// description = "Copies a directory to the backup host"
/// cwd = "/srv"            # optional: where the command runs
/// no_repeat = true        # optional: after a crash, `interrupted` instead of run again
/// timeout = "30s"         # optional: each attempt's limit when the submit gives no --timeout
/// queue = "net"           # optional: the queue its tasks join when the submit names none
/// priority = 5            # optional: their priority when the submit gives none
/// retries = 3             # optional: their retries when the submit gives none, with
/// backoff = "exponential" #   optional "fixed" or "exponential" (the default), from
/// backoff_base = "2s"     #   optional first wait (default 1s) up to
/// backoff_cap = "10m"     #   optional longest wait (default 1h)
/// ```
/// `coroq submit sync source=/srv/www target=backup:/www` runs `rsync -a /srv/www/ backup:/www`, each
/// value one argument, never through a shell.
public struct JobSetting: Sendable, Equatable {
    public var name: String
    public var template: CommandTemplate
    public var description: String?
    public var directory: String?
    public var noRepeat: Bool
    /// `timeout = "30s"`: seconds an attempt may run when the submit gives no `--timeout`.
    public var timeout: Double?
    /// `queue`, `priority`, and `retries` with its back-off: defaults for a submit that gives none.
    public var queue: String?
    public var priority: Int?
    public var retryPolicy: RetryPolicy?

    static let keys = [
        "command", "description", "cwd", "no_repeat", "timeout", "queue", "priority", "retries", "backoff",
        "backoff_base", "backoff_cap",
    ]

    static func read(_ value: any TOMLValueConvertible) throws(ConfigError) -> [JobSetting] {
        guard let table = value.table else {
            throw ConfigError(key: "jobs", line: nil, message: "expected tables such as [jobs.sync]")
        }
        var settings: [JobSetting] = []
        for name in table.keys.sorted() {
            func fail(_ key: String?, _ message: String) -> ConfigError {
                ConfigError(key: key.map { "jobs.\(name).\($0)" } ?? "jobs.\(name)", line: nil, message: message)
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw fail(nil, "a job name is letters, digits, '-', '_' and '.'")
            }
            guard let entry = table[name]?.table else { throw fail(nil, "expected a table with command = [\"program\", \"{value}\", …]") }
            if let unknown = entry.keys.sorted().first(where: { !keys.contains($0) }) {
                throw fail(unknown, "unknown key; a job takes \(keys.joined(separator: ", "))")
            }
            guard let words = entry["command"]?.array?.map({ $0.string }), !words.isEmpty, words.allSatisfy({ $0 != nil }) else {
                throw fail("command", "expected an array of strings: the program and its arguments, with {name} placeholders")
            }
            let template: CommandTemplate
            do {
                template = try CommandTemplate(words.map { $0! })
            } catch {
                throw fail("command", error.message)
            }
            var setting = JobSetting(name: name, template: template, description: nil, directory: nil, noRepeat: false)
            if let description = entry["description"] {
                guard let text = description.string else { throw fail("description", "expected a string") }
                setting.description = text
            }
            if let directory = entry["cwd"] {
                guard let path = directory.string, path.hasPrefix("/") else { throw fail("cwd", "expected an absolute path") }
                setting.directory = path
            }
            if let noRepeat = entry["no_repeat"] {
                guard let flag = noRepeat.bool else { throw fail("no_repeat", "expected true or false") }
                setting.noRepeat = flag
            }
            if let timeout = entry["timeout"] {
                guard let text = timeout.string, let seconds = Seconds.parse(text), seconds > 0 else {
                    throw fail("timeout", "expected \(Seconds.expected) above 0, as a string (timeout = \"30s\")")
                }
                setting.timeout = seconds
            }
            try readSubmitDefaults(of: entry, into: &setting, fail: fail)
            settings.append(setting)
        }
        return settings
    }
}

extension JobOverlay {
    /// Replaces the overlay's jobs with the config file's; refuses (changing nothing) a name that a job
    /// of `registry` (built in, or registered in Swift) has.
    func apply(_ settings: [JobSetting], besides registry: JobRegistry, exec: ExecJob) throws(ConfigError) {
        var jobs = JobRegistry()
        for setting in settings {
            guard setting.name != StandaloneFuture.job else {
                throw ConfigError(key: "jobs.\(setting.name)", line: nil, message: "the job name '\(StandaloneFuture.job)' is reserved for standalone futures: give this one another name")
            }
            guard !registry.isRegistered(setting.name) else {
                throw ConfigError(key: "jobs.\(setting.name)", line: nil, message: "a job named \(setting.name) is registered already (built in, or in Swift): give this one another name")
            }
            jobs.register(TemplateJob(
                name: setting.name, summary: setting.description ?? "Runs \(setting.template.words.joined(separator: " "))",
                template: setting.template, directory: setting.directory, isRepeatSafe: !setting.noRepeat, exec: exec,
                defaultTimeout: setting.timeout, retryPolicy: setting.retryPolicy, defaultQueue: setting.queue,
                defaultPriority: setting.priority))
        }
        replace(with: jobs)
    }
}
