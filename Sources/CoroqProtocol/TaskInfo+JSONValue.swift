import CoroqJSON

extension TaskInfo {
    /// Reads a task from its parsed JSON, as its `Codable` form would, straight from the members: the CLI
    /// reads one per `task.finished`, and the keyed decoding containers cost it more than the parse.
    /// Unknown members are ignored; a missing or mistyped required member throws.
    public init(json value: JSONValue) throws {
        guard case .object(let members) = value else { throw TaskInfoReadError(key: "task") }
        func required<T>(_ key: String, _ read: (JSONValue) -> T?) throws -> T {
            guard let member = members[key], let read = read(member) else { throw TaskInfoReadError(key: key) }
            return read
        }
        func optional<T>(_ key: String, _ read: (JSONValue) -> T?) throws -> T? {
            guard let member = members[key], member != .null else { return nil }
            guard let read = read(member) else { throw TaskInfoReadError(key: key) }
            return read
        }
        self.init(
            id: try required("id", \.int64), job: try required("job", \.string),
            args: members["args"] ?? .null, state: State(rawValue: try required("state", \.string)),
            attempts: Int(try required("attempts", \.int64)), createdAt: try required("created_at", \.number),
            startedAt: try optional("started_at", \.number), finishedAt: try optional("finished_at", \.number),
            result: members["result"].flatMap { $0 == .null ? nil : $0 },
            error: try optional("error", { try? TaskErrorInfo(json: $0) }),
            onDone: try optional("on_done", \.string), repeatable: try optional("repeatable", \.bool),
            argsTruncated: try optional("args_truncated", \.int64).map { Int($0) },
            resultTruncated: try optional("result_truncated", \.int64).map { Int($0) },
            parent: try optional("parent", \.int64),
            children: try optional("children", { member -> [Int64]? in
                guard case .array(let ids) = member else { return nil }
                let read = ids.compactMap(\.int64)
                return read.count == ids.count ? read : nil
            }))
        runAt = try optional("run_at", \.number)
        priority = try optional("priority", \.int64).map { Int($0) }
        retry = try optional("retry", { try? $0.decode(as: RetryPolicyInfo.self) })
        queue = try optional("queue", \.string)
        label = try optional("label", \.string)
        timeout = try optional("timeout", \.number)
        key = try optional("key", \.string)
        onSuccess = try optional("on_success", \.string)
        onFailure = try optional("on_failure", \.string)
        inputFrom = try optional("input_from", \.int64)
    }
}

extension TaskErrorInfo {
    /// Reads a task's error from its parsed JSON, as `TaskInfo(json:)` does.
    init(json value: JSONValue) throws {
        guard case .string(let code) = value["code"], case .string(let message) = value["message"] else {
            throw TaskInfoReadError(key: "error")
        }
        let details = value["details"].flatMap { $0 == .null ? nil : $0 }
        self.init(code: code, message: message, details: details)
    }
}

/// A task's JSON lacks a member it must have, or has one of the wrong type.
public struct TaskInfoReadError: Error, CustomStringConvertible {
    public var key: String
    public var description: String { "a task's '\(key)' is missing or of the wrong type" }
}

private extension JSONValue {
    var int64: Int64? { if case .int(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// A number as `Double`, whether written with a fraction or not (as `Double`'s `Decodable` reads it).
    var number: Double? {
        switch self {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
    }
}
