/// The last `capacity` bytes written to a stream: what a task's result keeps of a long output.
struct OutputTail: Sendable {
    let capacity: Int
    private(set) var bytes: [UInt8] = []
    /// True once anything was dropped from the front.
    private(set) var truncated = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func append(_ chunk: some Collection<UInt8>) {
        bytes.append(contentsOf: chunk)
        if bytes.count > capacity {
            bytes.removeFirst(bytes.count - capacity)
            truncated = true
        }
    }

    /// The tail as text; a UTF-8 sequence cut at the front is replaced, not fatal.
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
