import CoroqCore
import CoroqJSON
import Foundation
import Testing

/// `coroq jobs` lists a job's arguments read off its `Decodable` type.
@Suite struct ArgumentDescriptionTests {
    struct Copy: Decodable {
        struct Target: Decodable {
            var host: String
            var port: Int
        }
        var source: String
        var target: Target
        var tags: [String]?
        var retries: UInt8
        var verify: Bool
        var ratio: Double?
        var at: Date?
    }

    enum Mode: String, Decodable { case fast, safe }

    struct WithMode: Decodable {
        var mode: Mode
    }

    @Test func namesTypesAndOptionalityOfEveryKeyNestedOnesUnderTheirParent() throws {
        let described = try #require(ArgumentDescription.of(Copy.self))
        #expect(described == [
            .init(name: "source", type: "string"),
            .init(name: "target", type: "object"),
            .init(name: "target.host", type: "string"),
            .init(name: "target.port", type: "integer"),
            .init(name: "tags", type: "array", optional: true),
            .init(name: "retries", type: "integer"),
            .init(name: "verify", type: "boolean"),
            .init(name: "ratio", type: "number", optional: true),
            .init(name: "at", type: "date", optional: true),
        ])
    }

    @Test func aTypeThatIsNotAnObjectOfKeysIsNotDescribed() {
        #expect(ArgumentDescription.of(JSONValue.self) == nil)
        #expect(ArgumentDescription.of([String].self) == nil)
        #expect(ArgumentDescription.of(WithMode.self) == nil, "an enum checks its value as it decodes")
    }

    @Test func theRegistryListsEachJobWithItsSummaryAndArguments() {
        struct Greet: JobDefinition {
            struct Arguments: Decodable, Sendable { var name: String }
            let name = "greet"
            let summary = "Says hello"
            let isRepeatSafe = false
            func run(_ arguments: Arguments, context: JobContext) async throws -> String { "hello \(arguments.name)" }
        }
        var registry = JobRegistry()
        registry.register(Greet())
        #expect(registry.descriptions == [JobDescription(
            name: "greet", summary: "Says hello", isRepeatSafe: false, isTimed: false,
            arguments: [.init(name: "name", type: "string")])])
    }
}
