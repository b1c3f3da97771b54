import CoroqJSON

/// `future.create`: a standalone future, `pending` until resolved. Answers its `TaskInfo`.
public struct FutureCreateParams: Codable, Sendable {
    /// Shown with the future (its args are `{"name": NAME}`).
    public var name: String?
    /// A shell command run when the future completes, as a task's `on_done`.
    public var onDone: String?

    public init(name: String? = nil, onDone: String? = nil) {
        self.name = name
        self.onDone = onDone
    }

    enum CodingKeys: String, CodingKey { case name, onDone = "on_done" }
}

/// `future.resolve`: records a pending future as succeeded with `value`, or failed with `error` (a
/// message) — exactly one of them. Answers its `TaskInfo`.
public struct FutureResolveParams: Codable, Sendable {
    public var id: Int64
    public var value: JSONValue?
    public var error: String?

    public init(id: Int64, value: JSONValue? = nil, error: String? = nil) {
        self.id = id
        self.value = value
        self.error = error
    }
}
