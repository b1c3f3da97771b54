import Testing
@testable import CoroqServer

@Suite struct UTF8PrefixTests {
    static let cases: [([UInt8], Int)] = [
        ([], 0),
        (Array("abc".utf8), 3),
        (Array("é".utf8), 2),                       // C3 A9: whole
        ([0x61, 0xC3], 1),                          // "a" + the first byte of é: held back
        ([0x61, 0xE2, 0x82], 1),                    // "a" + two of €'s three bytes
        (Array("a€".utf8), 4),
        ([0xF0, 0x9F, 0x98], 0),                    // three of 😀's four bytes
        (Array("😀".utf8), 4),
        ([0x61, 0x80], 2),                          // a stray continuation byte is not UTF-8: kept
    ]

    @Test(arguments: cases)
    func aCutCharacterIsHeldBack(bytes: [UInt8], complete: Int) {
        #expect(LogsHandler.completeUTF8Prefix(bytes) == complete)
    }
}
