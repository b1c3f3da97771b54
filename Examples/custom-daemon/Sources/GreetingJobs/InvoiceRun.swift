import CoroqCore

/// `invoice-run`: sends one invoice per customer, each as a child task (`send-invoice`), and reports which
/// were sent and which failed. A customer's failure does not fail the run: the parent catches it.
///
/// `coroq submit invoice-run --args '{"customers": ["acme", "initech"], "cents": 500}'`, then
/// `coroq show ID` prints the children under it.
public struct InvoiceRun: JobDefinition {
    public struct Arguments: Codable, Sendable {
        public var customers: [String]
        public var cents: Int

        public init(customers: [String], cents: Int) {
            self.customers = customers
            self.cents = cents
        }
    }

    public struct Output: Codable, Sendable, Equatable {
        /// Invoice numbers, in the customers' order.
        public var sent: [String]
        /// Customers whose invoice failed, with why.
        public var failed: [String: String]
    }

    public let name = "invoice-run"
    public let summary = "Sends an invoice to each customer, one child task each"

    public init() {}

    public func validate(_ arguments: Arguments) throws(InvalidArguments) {
        guard !arguments.customers.isEmpty else { throw InvalidArguments("'customers' must not be empty") }
        guard Set(arguments.customers).count == arguments.customers.count else {
            throw InvalidArguments("each customer once: a child is named after its customer")
        }
    }

    public func run(_ arguments: Arguments, context: JobContext) async throws -> Output {
        // Named after the customer: a run cut off by a crash gets the same children back when it runs
        // again, so no invoice is sent twice.
        var children: [(customer: String, child: ChildHandle<SendInvoice.Output>)] = []
        for customer in arguments.customers {
            let child = try await context.spawn(SendInvoice(), .init(customer: customer, cents: arguments.cents), name: customer)
            children.append((customer, child))
        }
        var output = Output(sent: [], failed: [:])
        for (customer, child) in children {
            do {
                output.sent.append(try await child.result().invoice)
            } catch let error as TaskError where error.code == "child_failed" {
                output.failed[customer] = error.message
            }
        }
        return output
    }
}
