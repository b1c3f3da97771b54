import CoroqCore
import CoroqJSON
import Foundation

extension Scheduler {
    /// Claimed `--then` follow-ups with the task they follow's result as input (read at each attempt, so
    /// the stored arguments stay as submitted); other tasks as they are.
    func withInputs(_ claimed: [TaskRecord]) async -> [TaskRecord] {
        guard claimed.contains(where: { $0.inputFrom != nil }) else { return claimed }
        var records = claimed
        for index in records.indices {
            guard let leader = records[index].inputFrom else { continue }
            let input: JSONValue
            do {
                input = try await store.task(leader).map(Self.input(of:)) ?? .null
            } catch {
                logger.error("could not read the result a follow-up takes as input; it gets null",
                             metadata: ["task": "\(records[index].id)", "follows": "\(leader)", "error": "\(error)"])
                input = .null
            }
            records[index].arguments = Self.arguments(
                records[index].arguments, job: records[index].job, input: input, from: leader, registry: registry)
        }
        return records
    }

    /// What a follow-up receives: the result of a task that succeeded, else `{"error": …}` (a follow-up
    /// that runs `always`).
    static func input(of leader: TaskRecord) -> JSONValue {
        if leader.state == .succeeded { return leader.result ?? .null }
        guard let error = leader.error, let encoded = try? JSONValue(encoding: error) else { return .null }
        return ["error": encoded]
    }

    /// Longest `COROQ_INPUT`, in bytes: Linux refuses to start a command with a longer variable (128 KiB).
    static let maximumInputVariableBytes = 100_000

    /// `arguments` with the input in: an `exec` command gets it as JSON text in `COROQ_INPUT` (left out when
    /// longer than `maximumInputVariableBytes`: `coroq result $COROQ_INPUT_TASK` reads it) and the task's id
    /// in `COROQ_INPUT_TASK`; another job gets `"input": <value>`, or the JSON text when its arguments take
    /// only strings (a config job's `{input}` placeholder).
    static func arguments(
        _ arguments: JSONValue, job: String, input: JSONValue, from leader: TaskID, registry: JobRegistry
    ) -> JSONValue {
        guard case .object(var fields) = arguments else { return arguments }
        if job == "exec" {
            var environment: [String: JSONValue] = [:]
            if case .object(let given)? = fields["env"] { environment = given }
            let text = input.jsonText
            if text.utf8.count <= maximumInputVariableBytes { environment["COROQ_INPUT"] = .string(text) }
            environment["COROQ_INPUT_TASK"] = .string("\(leader)")
            fields["env"] = .object(environment)
            return .object(fields)
        }
        fields["input"] = input
        if (try? registry.validate(job: job, arguments: .object(fields))) == nil {
            fields["input"] = .string(input.jsonText)
        }
        return .object(fields)
    }
}
