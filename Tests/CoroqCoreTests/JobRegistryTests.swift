import CoroqCore
import CoroqJSON
import Testing

/// A job with required, typed arguments and its own validation.
private struct RepeatJob: JobDefinition {
    struct Arguments: Codable, Sendable {
        var text: String
        var times: Int
    }

    let name = "repeat"

    func validate(_ arguments: Arguments) throws(InvalidArguments) {
        if arguments.times < 0 { throw InvalidArguments("'times' must be 0 or more") }
    }

    func run(_ arguments: Arguments, context: JobContext) async throws -> String {
        String(repeating: arguments.text, count: arguments.times)
    }
}

@Suite struct JobRegistryTests {
    let registry: JobRegistry = {
        var registry = JobRegistry()
        registry.register(RepeatJob())
        return registry
    }()

    @Test func acceptsGoodArguments() throws {
        try registry.validate(job: "repeat", arguments: ["text": "ab", "times": 2])
    }

    @Test func unknownJobNamesTheKnownOnes() {
        #expect(throws: SubmitRejection.unknownJob("nope", known: ["repeat"])) {
            try registry.validate(job: "nope", arguments: .emptyObject)
        }
    }

    static let badArguments: [(JSONValue, String)] = [
        (["text": "a"], "missing argument 'times'"),
        (["text": "a", "times": "two"], "'times' must be an integer"),
        (["text": 5, "times": 1], "'text' must be a string"),
        (["text": "a", "times": -1], "'times' must be 0 or more"),
        ("just a string", "the arguments must be an object"),
    ]

    @Test(arguments: badArguments)
    func badArgumentsSayWhatIsWrong(arguments: JSONValue, message: String) {
        #expect(throws: SubmitRejection.invalidArguments(job: "repeat", message: message)) {
            try registry.validate(job: "repeat", arguments: arguments)
        }
    }
}
