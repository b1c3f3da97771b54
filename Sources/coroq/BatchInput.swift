import ArgumentParser
import CoroqJSON
import CoroqProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// `coroq submit --batch`: NDJSON task specs from stdin, and the line each came from.
struct BatchInput {
    var specs: [TaskSpec] = []
    /// The stdin line of each task, so the daemon's `data.index` can be told as a line number.
    var lineNumbers: [Int] = []

    /// Reads every line of stdin as a task; blank lines are skipped. A bad line stops everything with its
    /// number, before anything is sent.
    /// `--after` and `--after-policy`, for the lines that do not set them.
    struct Dependencies {
        var after: [Int64]?
        var policy: String?
    }

    static func read(defaultOnDone: String?, noRepeat: Bool, dependencies: Dependencies = Dependencies()) throws -> BatchInput {
        let data = StandardIO.readAll()
        var batch = BatchInput()
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
                continue
            }
            var spec: TaskSpec
            do {
                spec = try JSONValue(parsing: Data(line)).decode(as: TaskSpec.self)
            } catch is JSONSyntaxError {
                throw ValidationError("line \(index + 1): not a JSON object")
            } catch let error as DecodingError {
                throw ValidationError("line \(index + 1): \(explain(error))")
            }
            if spec.onDone == nil { spec.onDone = defaultOnDone }
            if spec.noRepeat == nil && noRepeat { spec.noRepeat = true }
            if spec.after == nil { spec.after = dependencies.after }
            if spec.afterPolicy == nil && spec.after != nil { spec.afterPolicy = dependencies.policy }
            batch.specs.append(spec)
            batch.lineNumbers.append(index + 1)
        }
        guard !batch.specs.isEmpty else { throw ValidationError("--batch read no tasks from stdin") }
        return batch
    }

    /// The daemon's refusal, with the task's line number in front of its message.
    func locate(_ error: RPCError) -> RPCError {
        var located = error
        if case .int(let index)? = error.data?["index"], lineNumbers.indices.contains(Int(index)) {
            located.message = "line \(lineNumbers[Int(index)]): \(error.message)"
        } else if error.knownCode == .frameTooLarge {
            located.message = "\(error.message); split the batch into smaller ones"
        }
        return located
    }

    private static func explain(_ error: DecodingError) -> String {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
            return "not a JSON object"
        }
        return error.explanation
    }
}
