import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation

/// `spawn` (a script's `coroq spawn`) and the tree of a task's descendants that `show` prints.
struct ChildrenHandler: Sendable {
    let store: any TaskStore
    let spawner: any ChildSpawning
    /// The most descendants `show` lists.
    var maximumTreeSize = 1000

    /// Starts a child of the running task `params.task`, or returns the one an earlier attempt of it
    /// spawned under the same key. Nothing is stored when the job is unknown or refuses the arguments.
    func spawn(_ params: SpawnParams) async throws(RPCError) -> SpawnResult {
        do {
            let parent = TaskID(params.task)
            let attempt: Int
            if let given = params.attempt {
                attempt = given
            } else {
                guard let task = try await store.task(parent) else { throw TaskStoreError.notFound(parent) }
                attempt = task.attempts
            }
            let child = try await spawner.spawn(
                parent: parent, attempt: attempt, name: params.name, job: params.job, arguments: params.args ?? .emptyObject)
            return SpawnResult(task: TaskInfo(child))
        } catch let error as TaskError {
            throw RPCError(spawnRefusal: error)
        } catch {
            throw RPCError(storeFailure: error)
        }
    }

    /// The descendants of task `id` as a tree (children in id order), at most `maximumTreeSize` of them.
    func tree(of id: TaskID) async throws -> [TaskTreeNode] {
        let descendants = try await store.descendants(of: id, limit: maximumTreeSize)
        let byParent = Dictionary(grouping: descendants) { $0.parentID }
        func nodes(under parent: TaskID) -> [TaskTreeNode] {
            (byParent[parent] ?? []).map { child in
                let grandchildren = nodes(under: child.id)
                return TaskTreeNode(
                    id: child.id.rawValue, job: child.job, state: TaskInfo.State(child.state),
                    error: child.error.map(TaskErrorInfo.init), children: grandchildren.isEmpty ? nil : grandchildren)
            }
        }
        return nodes(under: id)
    }
}

extension RPCError {
    /// A refused spawn: its `TaskError` code as the matching protocol error.
    init(spawnRefusal error: TaskError) {
        let code: RPCErrorCode = switch error.code {
        case "unknown_job": .unknownJob
        case "invalid_arguments": .invalidArguments
        case "parent_not_running", "spawn_mismatch": .wrongState
        default: .internalError
        }
        var data: [String: JSONValue] = ["code": .string(error.code)]
        if case .object(let details)? = error.details { data.merge(details) { own, _ in own } }
        self.init(code, error.message, data: data)
    }
}
