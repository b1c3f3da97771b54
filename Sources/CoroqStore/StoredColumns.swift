import GRDB
import CoroqCore

/// The `tasks` columns a `TaskRecord` is read from. The select list (`selection`) and the position each
/// value is read at (`row[column]`) both come from this one list, so adding or moving a column cannot shift
/// another. Rows are read by position, not by name: a name lookup per column was a measurable part of
/// every claim and finish.
enum TaskColumn: Int, CaseIterable {
    case id, job, arguments, state, attempts, result, error, onDone, repeatable, createdAt, startedAt, finishedAt, parentID,
         runAt, priority, retryPolicy, queue, label
    case timeout, key, onSuccess, onFailure, inputFrom

    /// The column's name in SQL.
    var name: String {
        switch self {
        case .id: "id"
        case .job: "job"
        case .arguments: "arguments"
        case .state: "state"
        case .attempts: "attempts"
        case .result: "result"
        case .error: "error"
        case .onDone: "on_done"
        case .repeatable: "repeatable"
        case .createdAt: "created_at"
        case .startedAt: "started_at"
        case .finishedAt: "finished_at"
        case .parentID: "parent_id"
        case .runAt: "run_at"
        case .priority: "priority"
        case .retryPolicy: "retry_policy"
        case .queue: "queue"
        case .label: "label"
        case .timeout: "timeout"
        case .key: "idempotency_key"
        case .onSuccess: "on_success"
        case .onFailure: "on_failure"
        case .inputFrom: "input_from"
        }
    }

    /// Every column, in the order `row[column]` reads them: `SELECT \(TaskColumn.selection) FROM tasks`.
    static let selection = allCases.map(\.name).joined(separator: ", ")

    /// The columns of a task's options (`TaskOptions`): the last ones, from `runAt` on.
    static let options = Array(allCases[runAt.rawValue...])

    /// The columns before the options, then `hasOptions`: what a claim returns (`SQLiteTaskStore.claimed`).
    /// Each column a `RETURNING` names is buffered and read back: a plain task's ten option columns,
    /// all defaults, made a claim of 100k tasks measurably slower.
    static let claimSelection = allCases[..<runAt.rawValue].map(\.name).joined(separator: ", ") + ", " + hasOptions

    /// The options alone, after the id: `SELECT \(TaskColumn.optionSelection) FROM tasks` (read by
    /// `StoredTaskRow.readOptions`).
    static let optionSelection = "id, " + options.map(\.name).joined(separator: ", ")

    /// Where a row selected as `claimSelection` holds `hasOptions`.
    static let hasOptionsPosition = runAt.rawValue

    /// 1 when any option column holds other than its default, else NULL.
    static let hasOptions = "CASE WHEN " + options.map { (column: TaskColumn) -> String in
        switch column {
        case .priority: "priority = 0"
        case .queue: "queue = '\(QueueName.defaultQueue)'"
        default: "\(column.name) IS NULL"
        }
    }.joined(separator: " AND ") + " THEN NULL ELSE 1 END"
}

extension Row {
    /// The value of `column` in a row selected as `TaskColumn.selection`.
    @inline(__always)
    subscript<Value: DatabaseValueConvertible>(_ column: TaskColumn) -> Value {
        self[column.rawValue]
    }

    /// The same, through GRDB's fast path for values SQLite converts itself (every column of `tasks`):
    /// without it, each value went through a `DatabaseValue` (claims measured 15 % slower).
    @inline(__always)
    subscript<Value: DatabaseValueConvertible & StatementColumnConvertible>(_ column: TaskColumn) -> Value {
        self[column.rawValue]
    }
}

/// The `tasks` columns of children and cancels that a `TaskRecord` does not carry.
enum TreeColumn: String, CaseIterable {
    /// A child's key among its parent's spawns (`SpawnKey`), unique per parent.
    case spawnKey = "spawn_key"
    /// Set when a cancel of the task was accepted (`requestCancel`): the reason its outcome will carry.
    case cancelReason = "cancel_reason"
}

/// A set-based write's rows, passed as one JSON array of arrays and read back in SQL with `json_each`
/// (one statement for a whole batch). Each element is built from the slots (`jsonRow`), and the SQL reads
/// them by the same slots (`extraction`), so an element and its SQL cannot disagree on positions.
protocol JSONRowSlot: RawRepresentable<Int>, CaseIterable where AllCases == [Self] {
    /// The name the SQL gives the slot's value.
    var alias: String { get }
}

extension JSONRowSlot {
    /// `value ->> N AS alias` for each of `slots`: the select list over `json_each(?)`.
    static func extraction(_ slots: [Self] = allCases) -> String {
        slots.map { "value ->> \($0.rawValue) AS \($0.alias)" }.joined(separator: ", ")
    }
}

/// A submitted task's values, one JSON array per task in a submit's batch (`INSERT … FROM json_each`).
enum NewTaskSlot: Int, JSONRowSlot {
    case job, arguments, onDone, repeatable, state, runAt, priority, retryPolicy, queue, label
    case timeout, key, onSuccess, onFailure

    /// The slots of a task with none of the options past them (`NewTask.isPlain`): the leading ones.
    /// (A plain task's row holds these only; a batch of plain tasks is inserted naming only their columns.)
    static let plain: [NewTaskSlot] = [.job, .arguments, .onDone, .repeatable, .state]

    /// The select list of the submit's insert: `extraction()`, but the columns that have a default take it
    /// when their slot is NULL (past the end of a plain task's shorter row).
    static let insertExtraction: String = allCases.map { (slot: NewTaskSlot) -> String in
        switch slot {
        case .priority: "COALESCE(value ->> \(slot.rawValue), 0) AS \(slot.alias)"
        case .queue: "COALESCE(value ->> \(slot.rawValue), '\(QueueName.defaultQueue)') AS \(slot.alias)"
        default: "value ->> \(slot.rawValue) AS \(slot.alias)"
        }
    }.joined(separator: ", ")

    /// The `tasks` column the value goes to.
    var column: TaskColumn {
        switch self {
        case .runAt: .runAt
        case .priority: .priority
        case .retryPolicy: .retryPolicy
        case .queue: .queue
        case .label: .label
        case .timeout: .timeout
        case .key: .key
        case .onSuccess: .onSuccess
        case .onFailure: .onFailure
        case .job: .job
        case .arguments: .arguments
        case .onDone: .onDone
        case .repeatable: .repeatable
        case .state: .state
        }
    }

    var alias: String { column.name }
}

/// A claimed attempt's outcome, one JSON array per attempt in a batch of outcomes (`UPDATE … FROM json_each`).
enum OutcomeSlot: Int, JSONRowSlot {
    case taskID, attempt, state, result, error, attemptOutcome, runAt

    var alias: String {
        switch self {
        case .runAt: "run_at"
        case .taskID: "id"
        case .attempt: "attempt"
        case .state: "state"
        case .result: "result"
        case .error: "error"
        case .attemptOutcome: "outcome"
        }
    }
}

/// A submit's tasks as one JSON array of `NewTaskSlot` rows (`SQLiteTaskStore.submittedRows`), and whether
/// every one of them is plain (`NewTask.isPlain`: its row holds `NewTaskSlot.plain` only).
struct SubmittedRows: Sendable {
    let json: String
    let plain: Bool
}
