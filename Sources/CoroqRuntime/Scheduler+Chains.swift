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
            records[index].arguments = Self.arguments(records[index].arguments, job: records[index].job, input: input,
                                                      registry: registry)
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

    /// `arguments` with the input in: an `exec` command gets it as JSON text in `COROQ_INPUT`; another job
    /// gets `"input": <value>`, or the JSON text when its arguments take only strings (a config job's
    /// `{input}` placeholder).
    static func arguments(_ arguments: JSONValue, job: String, input: JSONValue, registry: JobRegistry) -> JSONValue {
        guard case .object(var fields) = arguments else { return arguments }
        if job == "exec" {
            var environment: [String: JSONValue] = [:]
            if case .object(let given)? = fields["env"] { environment = given }
            environment["COROQ_INPUT"] = .string(input.jsonText)
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
