import ArgumentParser

/// `coroq submit --queue NAME --label TEXT`.
struct SubmitQueueOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The queue the task joins (default: default); it must exist: configured as [queues.NAME] or made by `coroq queue set NAME`. Its limits apply, e.g. --queue net.",
        valueName: "NAME"))
    var queue: String?

    @Option(help: ArgumentHelp(
        "A label to find the task by, e.g. --label nightly; `coroq status --label nightly` lists those.",
        valueName: "TEXT"))
    var label: String?

    /// `submission` with these options set.
    func applied(to submission: Submission) -> Submission {
        var submission = submission
        submission.queue = queue
        submission.label = label
        return submission
    }
}

extension Submission {
    /// `--batch`: `--queue` and `--label` apply to lines that do not set them.
    func applyQueueDefaults(to input: inout BatchInput) {
        guard queue != nil || label != nil else { return }
        for index in input.specs.indices {
            if input.specs[index].queue == nil { input.specs[index].queue = queue }
            if input.specs[index].label == nil { input.specs[index].label = label }
        }
    }
}
