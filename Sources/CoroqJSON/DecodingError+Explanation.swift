extension DecodingError {
    /// One line a person can act on: which argument, and what was wrong with it.
    public var explanation: String {
        func path(_ context: Context, appending key: (any CodingKey)? = nil) -> String {
            let keys = context.codingPath + (key.map { [$0] } ?? [])
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "the arguments" : "'\(text)'"
        }
        switch self {
        case .keyNotFound(let key, let context):
            return "missing argument \(path(context, appending: key))"
        case .typeMismatch(let type, let context):
            return "\(path(context)) must be \(Self.describe(type))"
        case .valueNotFound(let type, let context):
            return "\(path(context)) must be \(Self.describe(type)), not null"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return String(describing: self)
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Double.Type, is Float.Type: "a number"
        case is Int.Type, is Int64.Type, is Int32.Type: "an integer"
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [String].Type: "an array of strings"
        case is [String: Any].Type: "an object"
        default: type is any Collection.Type ? "an array" : "an object"
        }
    }
}
