import CoroqCore
import CoroqJSON
import Logging

/// A job defined in coroqd.toml (`[jobs.NAME]`): a command template run as `exec` runs a command, with
/// its placeholders filled from the task's arguments (`coroq submit NAME key=value …`). The arguments are
/// the values, so `coroq show` shows what was asked for; the command is filled in when the task runs.
public struct TemplateJob: JobDefinition {
    /// Placeholder values by name; numbers and booleans are taken as their text.
    public struct Arguments: Decodable, Sendable {
        public var values: [String: String]

        public init(values: [String: String]) {
            self.values = values
        }

        public init(from decoder: any Decoder) throws {
            let object = try JSONValue(from: decoder)
            guard case .object(let members) = object else {
                throw InvalidArguments("a template job takes its values as an object: {\"path\": \"/srv\"} (coroq submit JOB path=/srv)")
            }
            var values: [String: String] = [:]
            for (name, value) in members {
                switch value {
                case .string(let text): values[name] = text
                case .int, .uint, .double, .bool: values[name] = value.jsonText
                default: throw InvalidArguments("'\(name)': a value is a string (or a number), not \(value.jsonText.prefix(40))")
                }
            }
            self.values = values
        }
    }

    public let name: String
    public let summary: String
    public let template: CommandTemplate
    /// The directory the command runs in (default: the daemon's).
    public let directory: String?
    public let isRepeatSafe: Bool
    let exec: ExecJob
    /// Seconds an attempt may run when the submit gives no `--timeout` (the config's `timeout`).
    public let defaultTimeout: Double?
    /// The config's `retries` and back-off, for a submit that gives no `--retries`.
    public let retryPolicy: RetryPolicy?
    /// The config's `queue` and `priority`, for a submit that gives no `--queue` / `--priority`.
    public let defaultQueue: String?
    public let defaultPriority: Int?

    public init(
        name: String, summary: String, template: CommandTemplate, directory: String?, isRepeatSafe: Bool, exec: ExecJob,
        defaultTimeout: Double? = nil, retryPolicy: RetryPolicy? = nil, defaultQueue: String? = nil,
        defaultPriority: Int? = nil
    ) {
        self.defaultTimeout = defaultTimeout
        self.retryPolicy = retryPolicy
        self.defaultQueue = defaultQueue
        self.defaultPriority = defaultPriority
        self.name = name
        self.summary = summary
        self.template = template
        self.directory = directory
        self.isRepeatSafe = isRepeatSafe
        self.exec = exec
    }

    public var argumentDescriptions: [ArgumentDescription]? {
        template.placeholders.map { ArgumentDescription(name: $0, type: "string") }
    }

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        _ = try template.argv(arguments.values)
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> ExecJob.Output {
        try await exec.run(ExecJob.Arguments(argv: try template.argv(arguments.values), cwd: directory), context: context)
    }

    public func cleanUpAfterCrash(requeued tasks: [TaskRecord], checkpoints: any CheckpointStore, logger: Logger) async {
        await exec.cleanUpAfterCrash(requeued: tasks, checkpoints: checkpoints, logger: logger)
    }

    public func orphanedProcessGroup(of task: TaskRecord, checkpoints: any CheckpointStore) async -> Int32? {
        await exec.orphanedProcessGroup(of: task, checkpoints: checkpoints)
    }
}
