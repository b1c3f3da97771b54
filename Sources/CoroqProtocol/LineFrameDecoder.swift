import NIOCore

/// One inbound frame: a line of bytes, or the news that a line was longer than allowed.
public enum Frame: Sendable, Equatable {
    case message(ByteBuffer)
    /// A line over the limit; its bytes are skipped up to the next newline and the connection goes on.
    case oversized
}

/// Splits a byte stream into newline-terminated frames of at most `maximumFrameLength` bytes.
///
/// An over-long line yields `.oversized` once, as soon as it passes the limit (so the peer hears about it
/// without sending the rest), and is then skipped to its newline. A trailing `\r` is dropped.
public struct LineFrameDecoder: NIOSingleStepByteToMessageDecoder {
    public typealias InboundOut = Frame

    public let maximumFrameLength: Int
    /// Bytes already searched for a newline, so a long frame arriving in pieces is scanned once.
    private var scanned = 0
    /// Inside an oversized line: drop bytes until its newline.
    private var skipping = false

    public init(maximumFrameLength: Int) {
        self.maximumFrameLength = maximumFrameLength
    }

    public mutating func decode(buffer: inout ByteBuffer) throws -> Frame? {
        while true {
            let view = buffer.readableBytesView
            let searchStart = view.index(view.startIndex, offsetBy: scanned)
            guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
                return try lineWithoutNewline(in: &buffer)
            }
            let length = newline - view.startIndex
            scanned = 0
            if skipping {
                skipping = false
                buffer.moveReaderIndex(forwardBy: length + 1)
                continue
            }
            if length > maximumFrameLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                return .oversized
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytesView.last == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            return .message(line)
        }
    }

    /// No newline yet: wait for more, unless the partial line is already too long.
    private mutating func lineWithoutNewline(in buffer: inout ByteBuffer) throws -> Frame? {
        let pending = buffer.readableBytes
        if skipping {
            buffer.moveReaderIndex(forwardBy: pending)
            return nil
        }
        if pending > maximumFrameLength {
            buffer.moveReaderIndex(forwardBy: pending)
            scanned = 0
            skipping = true
            return .oversized
        }
        scanned = pending
        return nil
    }

    public mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> Frame? {
        if let frame = try decode(buffer: &buffer) { return frame }
        // A last line without its newline (e.g. `printf '…' | socat`) still counts.
        guard seenEOF, !skipping, buffer.readableBytes > 0 else { return nil }
        scanned = 0
        return .message(buffer.readSlice(length: buffer.readableBytes)!)
    }
}
