import ArgumentParser
import CoroqProtocol

/// `coroq status --state S --queue Q --label L --job J`: list only the tasks that match every one given.
struct StatusFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Only tasks in this state: queued, running, succeeded, failed, cancelled, interrupted, blocked, pending…",
        valueName: "STATE"))
    var state: String?

    @Option(help: ArgumentHelp("Only tasks of this queue, e.g. --queue net.", valueName: "QUEUE"))
    var queue: String?

    @Option(help: ArgumentHelp("Only tasks with this label (`submit --label`).", valueName: "TEXT"))
    var label: String?

    @Option(help: ArgumentHelp("Only tasks of this job, e.g. --job exec.", valueName: "JOB"))
    var job: String?

    func applied(to params: StatusParams) -> StatusParams {
        var params = params
        params.state = state
        params.queue = queue
        params.label = label
        params.job = job
        return params
    }
}
