import CoroqCore

/// `ship-when-approved`: awaits a standalone future that a person resolves (`coroq future resolve ID
/// --value '{"by": "ana"}'`), then ships. A future resolved with `--error` fails the task with
/// `awaited_failed`, its message naming the future.
public struct ShipWhenApproved: JobDefinition {
    public struct Arguments: Codable, Sendable {
        /// The id of the future that carries the approval (`coroq future create`).
        public var approval: Int64
        public var order: String

        public init(approval: Int64, order: String) {
            self.approval = approval
            self.order = order
        }
    }

    /// What the approver resolves the future with.
    public struct Approval: Codable, Sendable {
        public var by: String
    }

    public let name = "ship-when-approved"
    public let summary = "Ships an order once its approval future is resolved"

    public init() {}

    public func run(_ arguments: Arguments, context: JobContext) async throws -> String {
        let approval = try await context.future(TaskID(arguments.approval), as: Approval.self)
        return "shipped \(arguments.order), approved by \(approval.by)"
    }
}
