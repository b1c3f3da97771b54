import Foundation

/// A random number generator that replays from its seed (SplitMix64): a fuzz run that found something is
/// run again with `COROQ_FUZZ_SEED=<seed>`.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        state = seed
    }

    /// Seeded from `COROQ_FUZZ_SEED` when set, else at random; the seed is printed so that a failure can
    /// be reproduced.
    public static func fromEnvironment(_ label: String) -> SeededGenerator {
        let given = ProcessInfo.processInfo.environment["COROQ_FUZZ_SEED"].flatMap { UInt64($0) }
        let seed = given ?? UInt64.random(in: 0 ... UInt64.max)
        print("\(label): COROQ_FUZZ_SEED=\(seed)\(given == nil ? "" : " (from the environment)")")
        return SeededGenerator(seed: seed)
    }

    /// How many rounds a fuzz test runs: `COROQ_FUZZ_ROUNDS` when set (a longer hunt), else `standard`.
    public static func rounds(standard: Int) -> Int {
        ProcessInfo.processInfo.environment["COROQ_FUZZ_ROUNDS"].flatMap { Int($0) } ?? standard
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
