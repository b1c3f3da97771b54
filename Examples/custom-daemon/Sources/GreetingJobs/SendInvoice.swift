import CoroqCore
import Foundation

/// `send-invoice`: a job that must not run twice. Its invoice number is chosen once and remembered in the
/// database, so a retried task sends the same invoice, and a task cut off by a crash waits for a person
/// (`coroq retry` or `coroq cancel`) instead of running again.
public struct SendInvoice: JobDefinition {
    public struct Arguments: Codable, Sendable {
        public var customer: String
        public var cents: Int

        public init(customer: String, cents: Int) {
            self.customer = customer
            self.cents = cents
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        public var invoice: String
        public var customer: String
        public var cents: Int
    }

    public let name = "send-invoice"
    public let summary = "Sends one invoice; never twice"
    public let isRepeatSafe = false

    public init() {}

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard arguments.cents > 0 else { throw InvalidArguments("'cents' must be more than 0") }
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> Output {
        // The first attempt stores the number; a later attempt of the same task gets the same one back.
        let invoice = try await context.remember("invoice") { "INV-\(context.taskID)-\(UUID().uuidString.prefix(8))" }
        guard arguments.customer != "nobody" else {
            throw TaskError(code: "unknown_customer", message: "no customer named '\(arguments.customer)'")
        }
        return Output(invoice: invoice, customer: arguments.customer, cents: arguments.cents)
    }
}
