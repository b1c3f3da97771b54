import ArgumentParser
import CoroqProtocol

struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List the jobs the daemon can run, with what each does and the arguments it takes.",
        discussion: """
            NO-REPEAT marks a job whose tasks never run twice: cut off by a crash, they wait as \
            `interrupted` for `coroq retry` or `coroq cancel`. An argument marked `?` may be left out. \
            Submit with `coroq submit JOB --args '{"name": value}'`.
            """)

    @OptionGroup var options: ClientOptions

    func run() async throws {
        let result = try await options.withClient { client in
            try await client.call(.jobs, JobsParams(), as: JobsResult.self)
        }
        if options.json {
            Output.jsonLine(result)
            return
        }
        let header = ["JOB", "REPEAT", "ARGUMENTS", "DOES"].map { Terminal.paint($0, .bold) }
        let rows = result.jobs.map { job in
            [job.name, job.repeatable ? "yes" : "NO-REPEAT", Self.arguments(job.args), job.summary]
        }
        Output.line(TaskFormat.align([header] + rows))
    }

    /// `name: string, times?: integer`; "any JSON object" when the job does not say.
    static func arguments(_ arguments: [JobArgumentInfo]?) -> String {
        guard let arguments else { return "any JSON object" }
        if arguments.isEmpty { return "none" }
        return arguments.map { "\($0.name)\($0.optional ? "?" : ""): \($0.type)" }.joined(separator: ", ")
    }
}
