import CoroqJSON

extension TaskInfo {
    /// Writes this task as its `Codable` form would be written (the same keys, the same number and string
    /// text, absent fields left out), straight from its fields: `task.finished` is pushed once per task of
    /// a `wait`, and going through a `JSONValue` tree cost most of its encoding time.
    public func write(to output: inout JSONOutput) {
        output.raw("{")
        output.key("id"); output.int(id)
        output.raw(","); output.key("job"); output.string(job)
        output.raw(","); output.key("args"); output.value(args)
        output.raw(","); output.key("state"); output.string(state.rawValue)
        output.raw(","); output.key("attempts"); output.int(Int64(attempts))
        output.raw(","); output.key("created_at"); output.double(createdAt)
        if let startedAt { output.raw(","); output.key("started_at"); output.double(startedAt) }
        if let finishedAt { output.raw(","); output.key("finished_at"); output.double(finishedAt) }
        if let result { output.raw(","); output.key("result"); output.value(result) }
        if let error {
            output.raw(","); output.key("error")
            output.raw("{"); output.key("code"); output.string(error.code)
            output.raw(","); output.key("message"); output.string(error.message)
            if let details = error.details { output.raw(","); output.key("details"); output.value(details) }
            output.raw("}")
        }
        if let onDone { output.raw(","); output.key("on_done"); output.string(onDone) }
        if let repeatable { output.raw(","); output.key("repeatable"); output.bool(repeatable) }
        if let argsTruncated { output.raw(","); output.key("args_truncated"); output.int(Int64(argsTruncated)) }
        if let resultTruncated { output.raw(","); output.key("result_truncated"); output.int(Int64(resultTruncated)) }
        if let parent { output.raw(","); output.key("parent"); output.int(parent) }
        if let children { output.raw(","); output.key("children"); output.value(.array(children.map(JSONValue.int))) }
        if let runAt { output.raw(","); output.key("run_at"); output.double(runAt) }
        if let priority { output.raw(","); output.key("priority"); output.int(Int64(priority)) }
        if let retry, let value = try? JSONValue(encoding: retry) { output.raw(","); output.key("retry"); output.value(value) }
        if let queue { output.raw(","); output.key("queue"); output.string(queue) }
        if let label { output.raw(","); output.key("label"); output.string(label) }
        if let timeout { output.raw(","); output.key("timeout"); output.double(timeout) }
        if let key { output.raw(","); output.key("key"); output.string(key) }
        if let onSuccess { output.raw(","); output.key("on_success"); output.string(onSuccess) }
        if let onFailure { output.raw(","); output.key("on_failure"); output.string(onFailure) }
        if let inputFrom { output.raw(","); output.key("input_from"); output.int(inputFrom) }
        output.raw("}")
    }
}

/// Frames for the `task.finished` notification, written without a `JSONValue` tree.
public enum TaskFinishedFrame {
    /// Appends `{"jsonrpc":"2.0","method":"task.finished","params":{"task":…}}` and a newline.
    public static func append(_ task: TaskInfo, to output: inout JSONOutput) {
        output.raw(#"{"jsonrpc":"2.0","method":"task.finished","params":{"task":"#)
        task.write(to: &output)
        output.raw("}}\n")
    }
}
