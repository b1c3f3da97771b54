import CoroqCore
import CoroqJSON
import CoroqProtocol

extension TaskInfo {
    /// The most bytes of a task's arguments and of its result that a summary (`status`'s list, `wait`'s
    /// lines) carries; `show` and `result` carry them whole.
    static let excerptBytes = 200

    /// A task for a summary: arguments and result longer than `excerptBytes` as JSON text are replaced by
    /// a string holding the text's first bytes, and `args_truncated` / `result_truncated` give the whole size.
    init(summarizing record: TaskRecord) {
        self.init(record)
        if let whole = args.textSize(over: Self.excerptBytes) {
            args = .string(Self.excerpt(whole.text))
            argsTruncated = whole.size
        }
        if let whole = result?.textSize(over: Self.excerptBytes) {
            result = .string(Self.excerpt(whole.text))
            resultTruncated = whole.size
        }
    }

    private static func excerpt(_ text: [UInt8]) -> String {
        let head = text.prefix(excerptBytes)
        return String(decoding: head.prefix(LogsHandler.completeUTF8Prefix(head)), as: UTF8.self)
    }
}
