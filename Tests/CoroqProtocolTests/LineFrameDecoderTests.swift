import CoroqProtocol
import NIOCore
import Testing

@Suite struct LineFrameDecoderTests {
    /// Feeds `chunks` through the decoder as they would arrive from a socket; returns what came out.
    func decode(_ chunks: [[UInt8]], limit: Int = 64, eof: Bool = false) throws -> [Decoded] {
        var processor = NIOSingleStepByteToMessageProcessor(LineFrameDecoder(maximumFrameLength: limit))
        var frames: [Decoded] = []
        for chunk in chunks {
            try processor.process(buffer: ByteBuffer(bytes: chunk)) { frames.append(Decoded($0)) }
        }
        if eof {
            try processor.finishProcessing(seenEOF: true) { frames.append(Decoded($0)) }
        }
        return frames
    }

    enum Decoded: Equatable {
        case line(String)
        case oversized

        init(_ frame: Frame) {
            switch frame {
            case .message(let buffer): self = .line(String(buffer: buffer))
            case .oversized: self = .oversized
            }
        }
    }

    static let stream = Array(#"{"a":1}\#n\#n{"jsonrpc":"2.0","id":7}\#r\#n["x"]\#n"#.utf8)

    /// Split into two reads at every possible byte: the frames never change.
    @Test(arguments: 0...stream.count)
    func splitAtEveryByte(at split: Int) throws {
        let chunks = [Array(Self.stream[..<split]), Array(Self.stream[split...])]
        #expect(try decode(chunks) == [.line(#"{"a":1}"#), .line(""), .line(#"{"jsonrpc":"2.0","id":7}"#), .line(#"["x"]"#)])
    }

    @Test func oneByteAtATime() throws {
        let frames = try decode(Self.stream.map { [$0] })
        #expect(frames.count == 4)
    }

    @Test func anOversizedLineIsReportedOnceAndSkipped() throws {
        let long = Array(repeating: UInt8(ascii: "x"), count: 100)
        let frames = try decode([long + Array("\nok\n".utf8)], limit: 64)
        #expect(frames == [.oversized, .line("ok")])
    }

    /// The peer hears about an over-long line as soon as it passes the limit, not when it ends.
    @Test func anOversizedLineIsReportedBeforeItsNewline() throws {
        let piece = Array(repeating: UInt8(ascii: "x"), count: 40)
        var processor = NIOSingleStepByteToMessageProcessor(LineFrameDecoder(maximumFrameLength: 64))
        var frames: [Decoded] = []
        for _ in 0..<5 {
            try processor.process(buffer: ByteBuffer(bytes: piece)) { frames.append(Decoded($0)) }
        }
        #expect(frames == [.oversized])
        try processor.process(buffer: ByteBuffer(bytes: piece + Array("\nnext\n".utf8))) { frames.append(Decoded($0)) }
        #expect(frames == [.oversized, .line("next")])
    }

    @Test func aLineOfExactlyTheLimitPasses() throws {
        let line = String(repeating: "y", count: 64)
        #expect(try decode([Array((line + "\n").utf8)], limit: 64) == [.line(line)])
    }

    @Test func aLastLineWithoutNewlineCountsAtEOF() throws {
        #expect(try decode([Array("a\nb".utf8)], eof: true) == [.line("a"), .line("b")])
        #expect(try decode([Array("a\nb".utf8)], eof: false) == [.line("a")])
    }
}
