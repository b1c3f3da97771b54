import Foundation

// Own JSON stack (CoroqJSON, compiled into this file's module) against Foundation, release build.
// Prints one line per (payload, operation): median ns per operation over several runs.

func measure(_ iterations: Int, runs: Int = 7, _ body: () throws -> Void) rethrows -> Double {
    var samples: [Double] = []
    for _ in 0..<runs {
        let start = ContinuousClock.now
        for _ in 0..<iterations { try body() }
        let elapsed = ContinuousClock.now - start
        let ns = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        samples.append(ns / Double(iterations))
    }
    return samples.sorted()[runs / 2]
}

@inline(never) func blackHole<T>(_ value: T) { withExtendedLifetime(value) {} }

func row(_ payload: String, _ operation: String, ours: Double, foundation: Double) {
    let ratio = foundation / ours
    print("\(payload.padding(toLength: 9, withPad: " ", startingAt: 0)) \(operation.padding(toLength: 30, withPad: " ", startingAt: 0)) ours \(format(ours))  Foundation \(format(foundation))  Foundation/ours \(String(format: "%.2f", ratio))×")
}

func format(_ ns: Double) -> String {
    ns >= 1e6 ? String(format: "%8.2f ms", ns / 1e6) : String(format: "%8.2f µs", ns / 1e3)
}

func bench<T: Codable>(_ name: String, _ value: T, iterations: Int) throws {
    let encoder = JSONEncoder()
    let sortedEncoder = JSONEncoder()
    sortedEncoder.outputFormatting = .sortedKeys
    let decoder = JSONDecoder()
    let text = Data(try JSONValue(encoding: value).serialized(sortedKeys: true))
    if name == "1MB" { print("(document: \(text.count) bytes)") }

    row(name, "Codable → JSON text", ours: try measure(iterations) { blackHole(try JSONValue(encoding: value).serialized(sortedKeys: false)) },
        foundation: try measure(iterations) { blackHole(try encoder.encode(value)) })
    row(name, "Codable → JSON text, sorted", ours: try measure(iterations) { blackHole(try JSONValue(encoding: value).serialized(sortedKeys: true)) },
        foundation: try measure(iterations) { blackHole(try sortedEncoder.encode(value)) })
    row(name, "JSON text → Codable", ours: try measure(iterations) { blackHole(try JSONValue(parsing: text).decode(as: T.self)) },
        foundation: try measure(iterations) { blackHole(try decoder.decode(T.self, from: text)) })
    row(name, "JSON text → tree", ours: try measure(iterations) { blackHole(try JSONValue(parsing: text)) },
        foundation: try measure(iterations) { blackHole(try JSONSerialization.jsonObject(with: text, options: [.fragmentsAllowed])) })
    // What a replacement would cost: Foundation's encoder/decoder plus the step to/from the JSONValue the
    // store and the wire carry.
    let tree = try JSONValue(parsing: text)
    row(name, "Codable → JSONValue", ours: try measure(iterations) { blackHole(try JSONValue(encoding: value)) },
        foundation: try measure(iterations) { blackHole(try JSONValue(parsing: try encoder.encode(value))) })
    row(name, "JSONValue → Codable", ours: try measure(iterations) { blackHole(try tree.decode(as: T.self)) },
        foundation: try measure(iterations) { blackHole(try decoder.decode(T.self, from: Data(tree.serialized(sortedKeys: false)))) })
}


enum JSONBench {
    static func main() throws {
        let scale = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 1 : 1
        try bench("sleep", Payloads.sleep, iterations: 20_000 * scale)
        try bench("exec", Payloads.exec, iterations: 5_000 * scale)
        try bench("1KB", Payloads.result, iterations: 2_000 * scale)
        try bench("1MB", Payloads.document, iterations: 2 * scale)
    }
}
try JSONBench.main()
