import CoroqCore

/// `greet`: says hello, as many times as asked. `coroq submit greet --args '{"name": "Ada", "times": 2}'`
public struct Greet: JobDefinition {
    public struct Arguments: Codable, Sendable {
        public var name: String
        public var times: Int?

        public init(name: String, times: Int? = nil) {
            self.name = name
            self.times = times
        }
    }

    public let name = "greet"
    public let summary = "Says hello to someone, once or more"

    public init() {}

    /// Checked at submit: a bad task is refused before it is stored.
    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard !arguments.name.isEmpty else { throw InvalidArguments("'name' must not be empty") }
        guard (1...100).contains(arguments.times ?? 1) else { throw InvalidArguments("'times' must be from 1 to 100") }
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> [String] {
        context.logger.info("greeting", metadata: ["name": "\(arguments.name)"])
        return Array(repeating: "Hello, \(arguments.name)!", count: arguments.times ?? 1)
    }
}
