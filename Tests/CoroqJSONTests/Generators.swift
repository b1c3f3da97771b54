import Foundation
import PropertyBased

// Random values of the shapes in Shapes.swift, drawn from swift-property-based's seeded generator, so a
// failure names the seed that reproduces it (`.fixedSeed(…)`).

typealias RNG = any SeededRandomNumberGenerator

enum Random {
    static func pick<T>(_ choices: [T], _ rng: inout RNG) -> T { choices[Int.random(in: 0..<choices.count, using: &rng)] }
    static func chance(_ rng: inout RNG) -> Bool { Bool.random(using: &rng) }

    /// Extremes half of the time, anything in range otherwise.
    static func integer<I: FixedWidthInteger>(_ type: I.Type, _ rng: inout RNG) -> I {
        chance(&rng) ? pick([I.min, I.max, 0, 1, I.min &+ 1, I.max &- 1, I(truncatingIfNeeded: -1)], &rng) : I.random(in: I.min...I.max, using: &rng)
    }

    /// Finite doubles that are hard to write: integral, tiny, huge, subnormal, negative zero, 0.1 + 0.2,
    /// integers beyond 2^53, and arbitrary bit patterns.
    static func double(_ rng: inout RNG) -> Double {
        switch Int.random(in: 0..<9, using: &rng) {
        case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &rng))
        case 1: return pick([1e-7, 1e-5, 0.1 + 0.2, 1e21, 1e22, 1e300, -0.0, 5e-324, .leastNormalMagnitude, .greatestFiniteMagnitude, 9007199254740993, 1.5, 100], &rng)
        case 2: return Double(Int64.random(in: .min ... .max, using: &rng))
        case 3: return Double.random(in: -1...1, using: &rng)
        default:
            let bits = UInt64.random(in: 0 ... .max, using: &rng)
            let value = Double(bitPattern: bits)
            return value.isFinite ? value : 0.5
        }
    }

    static func float(_ rng: inout RNG) -> Float {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: return pick([0.1, 1e-7, 3.4028235e38, 1e-45, -0.0, 16_777_217, 0.3], &rng)
        case 1: return Float(Int32.random(in: -100_000...100_000, using: &rng)) / 8
        default:
            let value = Float(bitPattern: UInt32.random(in: 0 ... .max, using: &rng))
            return value.isFinite ? value : 2.5
        }
    }

    static let scalars: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{8}", "\u{c}", "\u{1f}",
                                            "\u{7f}", "\u{80}", "é", "日", "😀", "\u{2028}", "\u{feff}", "\u{fffd}", "\u{10ffff}"]

    static func string(_ rng: inout RNG, maxLength: Int = 12) -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...maxLength, using: &rng) {
            if chance(&rng) {
                text.append(pick(scalars, &rng))
            } else {
                let value = UInt32.random(in: 0...0x10FFFF, using: &rng)
                text.append(Unicode.Scalar(value) ?? "?")
            }
        }
        return String(text)
    }

    static func data(_ rng: inout RNG) -> Data {
        Data((0..<Int.random(in: 0...9, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// Up to 15 significant digits: what a Decimal keeps through a JSONValue (see FoundationParityTests).
    static func decimal(_ rng: inout RNG) -> Decimal {
        let mantissa = Int64.random(in: -999_999_999_999_999...999_999_999_999_999, using: &rng)
        return Decimal(sign: mantissa < 0 ? .minus : .plus, exponent: Int.random(in: -20...20, using: &rng),
                       significand: Decimal(mantissa.magnitude))
    }

    static func url(_ rng: inout RNG) -> URL {
        let segment = String((0..<Int.random(in: 0...6, using: &rng)).map { _ in pick(Array("abz09-._~%20/?=&#"), &rng) })
        let text = pick(["https://example.org/", "file:///tmp/", "mailto:someone@example.org?x=", "http://[::1]:8080/p/", "urn:x:"], &rng) + segment
        return URL(string: text) ?? URL(string: "https://example.org/")!
    }

    static func date(_ rng: inout RNG) -> Date {
        chance(&rng) ? Date(timeIntervalSinceReferenceDate: double(&rng)) : Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000, using: &rng)) / 1000)
    }

    static func list<T>(_ rng: inout RNG, upTo count: Int = 4, _ element: (inout RNG) -> T) -> [T] {
        (0..<Int.random(in: 0...count, using: &rng)).map { _ in element(&rng) }
    }
}

extension Leaves {
    static func random(_ rng: inout RNG) -> Leaves {
        Leaves(i8: Random.integer(Int8.self, &rng), i16: Random.integer(Int16.self, &rng), i32: Random.integer(Int32.self, &rng),
               i64: Random.integer(Int64.self, &rng), int: Random.integer(Int.self, &rng), u8: Random.integer(UInt8.self, &rng),
               u16: Random.integer(UInt16.self, &rng), u32: Random.integer(UInt32.self, &rng), u64: Random.integer(UInt64.self, &rng),
               uint: Random.integer(UInt.self, &rng), float: Random.float(&rng), double: Random.double(&rng), bool: Random.chance(&rng),
               string: Random.string(&rng), data: Random.data(&rng), date: Random.date(&rng), decimal: Random.decimal(&rng), url: Random.url(&rng))
    }
}

extension Containers {
    static func random(_ rng: inout RNG) -> Containers {
        func inner(_ rng: inout RNG) -> Inner {
            Inner(name: Random.string(&rng), values: Random.list(&rng) { Random.integer(Int16.self, &$0) },
                  maybe: Random.chance(&rng) ? Random.double(&rng) : nil)
        }
        let names = Random.list(&rng) { Random.string(&$0, maxLength: 4) }
        let numbers = Random.list(&rng) { Random.integer(Int.self, &$0) }
        return Containers(
            inner: inner(&rng), inners: Random.list(&rng, inner),
            byName: Dictionary(names.map { ($0, inner(&rng)) }, uniquingKeysWith: { a, _ in a }),
            byNumber: Dictionary(numbers.map { ($0, Random.list(&rng) { Random.string(&$0) }) }, uniquingKeysWith: { a, _ in a }),
            byMode: Dictionary(Random.list(&rng) { (Random.pick(Mode.allCases, &$0), Int.random(in: -9...9, using: &$0)) }, uniquingKeysWith: { a, _ in a }),
            optionalList: Random.list(&rng) { Random.chance(&$0) ? nil : Random.integer(Int.self, &$0) },
            nestedArrays: Random.list(&rng) { Random.list(&$0) { Random.integer(UInt8.self, &$0) } },
            absent: Random.chance(&rng) ? nil : Random.string(&rng), empty: [:], emptyList: [])
    }
}

extension Shape {
    static func random(_ rng: inout RNG) -> Shape {
        switch Int.random(in: 0..<5, using: &rng) {
        case 0: .circle(radius: Random.double(&rng))
        case 1: .rect(width: Random.integer(Int.self, &rng), height: Int.random(in: -3...3, using: &rng))
        case 2: .labelled(Random.string(&rng), Random.pick(Level.allCases, &rng))
        case 3: .tagged(mode: Random.pick(Mode.allCases, &rng), Random.chance(&rng) ? nil : Random.data(&rng))
        default: .empty
        }
    }
}

extension Payload {
    static func random(_ rng: inout RNG) -> Payload {
        let base = Base(id: Random.integer(Int64.self, &rng), label: Random.chance(&rng) ? nil : Random.string(&rng))
        return Payload(
            leaves: .random(&rng), containers: .random(&rng), shapes: Random.list(&rng, Shape.random),
            custom: Custom(title: Random.string(&rng), point: (Random.integer(Int.self, &rng), Random.integer(Int.self, &rng)),
                           note: Random.chance(&rng) ? nil : Random.string(&rng), explicitNull: Random.chance(&rng)),
            derived: Derived(id: Random.integer(Int64.self, &rng), label: Random.chance(&rng) ? nil : "", extra: Random.list(&rng) { Random.string(&$0) },
                             keyedSuper: Random.chance(&rng)),
            unkeyedSuper: UnkeyedSuper(base: base, tail: Random.integer(Int.self, &rng)),
            mode: Random.pick(Mode.allCases, &rng), level: Random.chance(&rng) ? nil : Random.pick(Level.allCases, &rng))
    }

    static let generator = Generator<Payload, Shrink.None<Payload>>(run: { rng in random(&rng) })
}
