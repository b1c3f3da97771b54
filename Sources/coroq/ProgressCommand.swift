import ArgumentParser
import CoroqProtocol

struct ProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Report how far the task this script runs in is.",
        discussion: """
            For scripts run by an `exec` task (which sets COROQ_TASK_ID and COROQ_SOCKET). FRACTION is from \
            0 to 1 (or a percentage such as 40%), NOTE a few words; `coroq status`, `coroq show` and a \
            `coroq wait` on a terminal show the latest report. Cheap: the daemon keeps the latest report in \
            memory and stores it a few times a second.

              coroq progress 0.4 "copying"
              coroq progress 75% "indexing"

            Outside a task (no COROQ_TASK_ID) it is a usage error (64); a task that is not running: 1.
            """)

    @OptionGroup var options: ClientOptions

    @Argument(help: "How far: from 0 to 1, or a percentage (40%).")
    var fraction: String

    @Argument(help: "What the task is doing, in a few words.")
    var note: String?

    /// The fraction from 0 to 1.
    static func parse(_ text: String) -> Double? {
        let value = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let value, value.isFinite, (0...1).contains(value) else { return nil }
        return value
    }

    func validate() throws {
        guard Self.parse(fraction) != nil else {
            throw ValidationError("FRACTION is '\(fraction)': give a number from 0 to 1 (0.4) or a percentage (40%)")
        }
        _ = try StepCommand.currentTask(using: "progress")
    }

    func run() async throws {
        let task = try StepCommand.currentTask(using: "progress")
        let params = ProgressParams(task: task.id, fraction: Self.parse(fraction), note: note)
        _ = try await options.withClient { client in
            try await client.call(.progress, params, as: ProgressResult.self)
        }
    }
}

extension ProgressInfo {
    /// "40% copying", "copying", "40%".
    var summary: String {
        let percent = fraction.map { "\(Int(($0 * 100).rounded()))%" }
        return [percent, note].compactMap { $0 }.joined(separator: " ")
    }
}
