import CoroqJSON
import CoroqProtocol
import Foundation
import Testing

/// `TaskSpec`'s hand-written decoder (it reads only the members present) reads what the encoder writes,
/// every member included, and treats absent, null and unknown members as the synthesized one did.
@Suite struct TaskSpecDecodingTests {
    static let everyMember: TaskSpec = {
        var spec = TaskSpec(job: "exec", args: ["argv": ["true"]], onDone: "echo done", noRepeat: true,
                            after: [3, 4], afterPolicy: "finished", queue: "net", label: "nightly")
        spec.delay = 1.5
        spec.runAt = 1_700_000_000
        spec.priority = -3
        spec.retries = 2
        spec.backoff = "fixed"
        spec.backoffBase = 0.5
        spec.backoffCap = 60
        spec.jitter = 0.25
        spec.timeout = 30
        spec.key = "k1"
        spec.onSuccess = "echo ok"
        spec.onFailure = "echo failed"
        spec.then = FollowUpSpec(job: "noop", args: ["x": 1], on: "always")
        return spec
    }()

    @Test(arguments: [everyMember, TaskSpec(job: "noop")])
    func whatIsEncodedDecodesTheSame(spec: TaskSpec) throws {
        let decoded = try JSONValue(encoding: spec).decode(as: TaskSpec.self)
        #expect(decoded == spec)
    }

    /// Another decoder (Foundation's) takes the `allKeys` path.
    @Test(arguments: [everyMember, TaskSpec(job: "noop")])
    func foundationsDecoderReadsTheSame(spec: TaskSpec) throws {
        #expect(try JSONDecoder().decode(TaskSpec.self, from: JSONEncoder().encode(spec)) == spec)
    }

    @Test func nullAndUnknownMembersReadAsAbsent() throws {
        let value = try JSONValue(parsing: #"{"job": "noop", "args": null, "priority": null, "colour": "blue", "key": "k"}"#)
        var expected = TaskSpec(job: "noop")
        expected.key = "k"
        #expect(try value.decode(as: TaskSpec.self) == expected)
    }

    @Test func aMistypedMemberIsRefusedNamingIt() throws {
        let value = try JSONValue(parsing: #"{"job": "noop", "priority": "high"}"#)
        #expect(throws: DecodingError.self) { try value.decode(as: TaskSpec.self) }
        do {
            _ = try value.decode(as: TaskSpec.self)
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(context.codingPath.map(\.stringValue) == ["priority"])
        }
    }

    @Test func aTaskWithoutAJobIsRefused() throws {
        let value = try JSONValue(parsing: #"{"args": {}}"#)
        #expect(throws: DecodingError.self) { try value.decode(as: TaskSpec.self) }
    }
}
