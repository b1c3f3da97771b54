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

    static func read(
        defaultOnDone: String?, noRepeat: Bool, dependencies: Dependencies = Dependencies(),
        timing: SubmitTimingValues = SubmitTimingValues()
    ) throws -> BatchInput {
        let now = Date()
        let data = StandardIO.readAll()
        var batch = BatchInput()
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
                continue
            }
            var spec: TaskSpec
            do {
                spec = try readingTimes(of: JSONValue(parsing: Data(line)), line: index + 1, now: now).decode(as: TaskSpec.self)
            } catch is JSONSyntaxError {
                throw ValidationError("line \(index + 1): not a JSON object")
            } catch let error as DecodingError {
                throw ValidationError("line \(index + 1): \(explain(error))")
            }
            if spec.onDone == nil { spec.onDone = defaultOnDone }
            if spec.noRepeat == nil && noRepeat { spec.noRepeat = true }
            if spec.after == nil { spec.after = dependencies.after }
            if spec.afterPolicy == nil && spec.after != nil { spec.afterPolicy = dependencies.policy }
            timing.apply(to: &spec)
            batch.specs.append(spec)
            batch.lineNumbers.append(index + 1)
        }
        guard !batch.specs.isEmpty else { throw ValidationError("--batch read no tasks from stdin") }
        return batch
    }

    /// A line with its durations and times written for people made numbers: `"in": "5m"` (or seconds),
    /// `"at": "2026-12-24 18:00"` (becomes `run_at`), `"backoff_base"` and `"backoff_cap"` as durations.
    private static func readingTimes(of line: JSONValue, line number: Int, now: Date) throws -> JSONValue {
        guard case .object(var fields) = line else { return line }
        for key in ["in", "backoff_base", "backoff_cap"] {
            guard case .string(let text)? = fields[key] else { continue }
            guard let seconds = Seconds.parse(text) else {
                throw ValidationError("line \(number): \"\(key)\": '\(text)' is not \(Seconds.expected)")
            }
            fields[key] = .double(seconds)
        }
        if let at = fields.removeValue(forKey: "at") {
            guard case .string(let text) = at, let seconds = RunTime.seconds(text, now: now) else {
                throw ValidationError("line \(number): \"at\": expected \(RunTime.expected)")
            }
            fields["run_at"] = .double(seconds)
        }
        return .object(fields)
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
