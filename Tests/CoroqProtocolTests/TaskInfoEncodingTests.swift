import CoroqJSON
import CoroqProtocol
import Testing

/// The hand-written `task.finished` frame says exactly what the `Codable` form says.
@Suite struct TaskInfoEncodingTests {
    static let tasks: [TaskInfo] = [
        TaskInfo(id: 1, job: "noop", args: [:], state: .queued, attempts: 0, createdAt: 1_700_000_000,
                 startedAt: nil, finishedAt: nil, result: nil, error: nil, onDone: nil),
        TaskInfo(id: 42, job: "sleep", args: ["seconds": 1.5], state: .succeeded, attempts: 1,
                 createdAt: 1_700_000_000.125, startedAt: 1_700_000_000.25, finishedAt: 1_700_000_001.75,
                 result: ["seconds": 1.5], error: nil, onDone: "echo \"done\"\n", repeatable: true),
        TaskInfo(id: 9_007_199_254_740_993, job: "exéc\u{1}", args: ["argv": ["sh", "-c", "exit 3"], "n": nil],
                 state: .failed, attempts: 3, createdAt: 0.1, startedAt: 2, finishedAt: 3, result: nil,
                 error: TaskErrorInfo(code: "exit_status", message: "exited 3 \\ \"quoted\"", details: ["exit_status": 3]),
                 onDone: nil, repeatable: false),
        TaskInfo(id: 7, job: "noop", args: [1, true, "x"], state: .unknown("paused"), attempts: 0, createdAt: -1,
                 startedAt: nil, finishedAt: nil, result: ["x": nil],
                 error: TaskErrorInfo(code: "cancelled", message: "", details: nil), onDone: nil),
        // A summary's excerpts.
        TaskInfo(id: 8, job: "noop", args: "{\"pad\":\"xx", state: .succeeded, attempts: 1, createdAt: 1,
                 startedAt: 2, finishedAt: 3, result: "[1,2", error: nil, onDone: nil,
                 argsTruncated: 5000, resultTruncated: 300),
        // A child that has children of its own.
        TaskInfo(id: 9, job: "exec", args: [:], state: .running, attempts: 1, createdAt: 1, startedAt: 2,
                 finishedAt: nil, result: nil, error: nil, onDone: nil, parent: 3, children: [10, 11]),
        {
            var retried = TaskInfo(id: 10, job: "exec", args: [:], state: .scheduled, attempts: 2, createdAt: 1,
                                   startedAt: nil, finishedAt: nil, result: nil, error: nil, onDone: nil)
            retried.runAt = 1_700_000_030.5
            retried.priority = -2
            retried.retry = RetryPolicyInfo(retries: 3, backoff: "exponential", base: 1, cap: 3600, jitter: 0.25)
            return retried
        }(),
        // A task of another queue than default, with a label.
        {
            var task = TaskInfo(id: 12, job: "noop", args: [:], state: .queued, attempts: 0, createdAt: 1,
                                startedAt: nil, finishedAt: nil, result: nil, error: nil, onDone: nil)
            task.queue = "net"
            task.label = "nightly \"fetch\""
            return task
        }(),
    ]

    @Test(arguments: tasks)
    func theFrameMatchesTheCodableEncoding(task: TaskInfo) throws {
        var output = JSONOutput()
        TaskFinishedFrame.append(task, to: &output)
        #expect(output.bytes.last == UInt8(ascii: "\n"))
        #expect(output.bytes.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        let written = try JSONValue(parsing: String(decoding: output.bytes, as: UTF8.self))
        let codable = try JSONValue(encoding: RPCNotification(
            method: taskFinishedNotification, params: TaskFinishedParams(task: task)))
        #expect(written == codable)
        let envelope = try output.bytes.withUnsafeBytes { try RPCEnvelope(frame: $0) }
        #expect(try envelope.params(TaskFinishedParams.self)?.task == task)
        let direct = try TaskInfo(json: try #require(envelope.members["params"]?["task"]))
        #expect(direct == task, "TaskInfo(json:) reads what the Codable form reads")
    }

    @Test func aTaskWithAMistypedMemberIsRefused() {
        #expect(throws: TaskInfoReadError.self) {
            try TaskInfo(json: ["id": "one", "job": "noop", "args": [:], "state": "queued", "attempts": 0, "created_at": 1])
        }
        #expect(throws: TaskInfoReadError.self) {
            try TaskInfo(json: ["id": 1, "job": "noop", "args": [:], "state": "queued", "attempts": 0])
        }
    }

    @Test func statesRoundTripAndUnknownOnesAreKept() throws {
        for state in TaskInfo.State.known {
            #expect(TaskInfo.State(rawValue: state.rawValue) == state)
        }
        #expect(TaskInfo.State(rawValue: "paused") == .unknown("paused"))
        #expect(!TaskInfo.State.unknown("paused").isFinal)
        #expect(TaskInfo.State.final == [.succeeded, .failed, .cancelled])
        let decoded = try JSONValue.string("paused").decode(as: TaskInfo.State.self)
        #expect(decoded.rawValue == "paused")
    }
}
