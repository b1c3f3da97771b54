import CoroqClient
import CoroqCore
import CoroqJSON
import CoroqProtocol
import Foundation
import Testing

/// `JobContext.spawn`, `ChildHandle.result()` and `gather` in a daemon run in this process, with jobs of
/// the test's own: typed results, a child's failure caught by its parent, a parent that waits for its
/// children, the tree in `show`.
@Suite(.timeLimit(.minutes(1)))
struct ChildJobTests {
    /// Doubles a number; fails for a negative one.
    struct Doubler: JobDefinition {
        struct Arguments: Codable, Sendable { var n: Int }
        let name = "double"
        func run(_ arguments: Arguments, context: JobContext) async throws -> Int {
            guard arguments.n >= 0 else { throw TaskError(code: "negative", message: "\(arguments.n) is negative") }
            return arguments.n * 2
        }
    }

    /// Spawns a `double` child per number and gathers them; with `catching`, returns a failed child's error
    /// code and child id instead of failing.
    struct Parent: JobDefinition {
        struct Arguments: Codable, Sendable {
            var numbers: [Int]
            var catching: Bool?
        }
        struct Output: Codable, Sendable, Equatable {
            var doubled: [Int]?
            var caught: String?
            var child: Int64?
        }
        let name = "parent"
        func run(_ arguments: Arguments, context: JobContext) async throws -> Output {
            var handles: [ChildHandle<Int>] = []
            for n in arguments.numbers {
                handles.append(try await context.spawn(Doubler(), .init(n: n)))
            }
            do {
                return Output(doubled: try await context.gather(handles))
            } catch let error as TaskError where arguments.catching == true {
                return Output(caught: error.code, child: error.details?["child"].flatMap { if case .int(let id) = $0 { id } else { nil } })
            }
        }
    }

    /// Spawns a `sleep` child without awaiting it, then returns — or, with `fail`, throws.
    struct Detached: JobDefinition {
        struct Arguments: Codable, Sendable {
            var seconds: Swift.Double
            var fail: Bool?
        }
        let name = "detached"
        func run(_ arguments: Arguments, context: JobContext) async throws -> Int64 {
            let child = try await context.spawn(job: "sleep", arguments: ["seconds": .double(arguments.seconds)])
            if arguments.fail == true { throw TaskError(code: "gave_up", message: "gave up") }
            return child.id.rawValue
        }
    }

    private func register(_ jobs: inout JobRegistry) {
        jobs.register(Doubler())
        jobs.register(Parent())
        jobs.register(Detached())
    }

    @Test func aParentThatReturnsAtOnceFinishesOnlyAfterItsChild() async throws {
        try await withInProcessDaemon(register: register) { socket in
            let (parent, detail) = try await runDetached(["seconds": 0.3], socket: socket)
            #expect(parent.state == .succeeded)
            let child = try #require(detail.tree?.first)
            #expect(child.state == .succeeded, "the parent's wait returned before its child finished")
            try await ControlClient.withConnection(socketPath: socket) { client in
                let info = try await client.call(.get, GetParams(id: child.id), as: TaskInfo.self)
                #expect(info.finishedAt! <= parent.finishedAt!)
            }
        }
    }

    @Test func aParentThatFailsCancelsItsUnfinishedChildFirst() async throws {
        try await withInProcessDaemon(register: register) { socket in
            let (parent, detail) = try await runDetached(["seconds": 60, "fail": true], socket: socket)
            #expect(parent.state == .failed && parent.error?.code == "gave_up")
            let child = try #require(detail.tree?.first)
            #expect(child.state == .cancelled)
            #expect(child.error?.message == "parent \(parent.id) failed: gave up")
        }
    }

    private func runDetached(_ arguments: JSONValue, socket: String) async throws -> (TaskInfo, TaskDetail) {
        try await ControlClient.withConnection(socketPath: socket) { client in
            let id = try await client.call(.submit, SubmitParams(tasks: [TaskSpec(job: "detached", args: arguments)]), as: SubmitResult.self).ids[0]
            _ = try await client.call(.wait, WaitParams(ids: [id]), as: WaitResult.self)
            let detail = try await client.call(.show, TaskParams(id: id), as: TaskDetail.self)
            return (detail.task, detail)
        }
    }

    private func runParent(_ arguments: JSONValue, socket: String) async throws -> (TaskInfo, TaskDetail) {
        try await ControlClient.withConnection(socketPath: socket) { client in
            let id = try await client.call(.submit, SubmitParams(tasks: [TaskSpec(job: "parent", args: arguments)]), as: SubmitResult.self).ids[0]
            _ = try await client.call(.wait, WaitParams(ids: [id]), as: WaitResult.self)
            let detail = try await client.call(.show, TaskParams(id: id), as: TaskDetail.self)
            return (detail.task, detail)
        }
    }

    @Test func aParentGathersItsChildrensTypedResults() async throws {
        try await withInProcessDaemon(register: register) { socket in
            let (parent, detail) = try await runParent(["numbers": [1, 2, 3]], socket: socket)
            #expect(parent.state == .succeeded)
            #expect(parent.result == ["doubled": [2, 4, 6]])
            #expect(parent.children?.count == 3)
            let tree = try #require(detail.tree)
            #expect(tree.map(\.job) == ["double", "double", "double"])
            #expect(tree.allSatisfy { $0.state == .succeeded })
            try await ControlClient.withConnection(socketPath: socket) { client in
                let child = try await client.call(.get, GetParams(id: tree[0].id), as: TaskInfo.self)
                #expect(child.parent == parent.id)
                #expect(child.finishedAt! <= parent.finishedAt!, "the parent finishes after its children")
            }
        }
    }

    @Test func aChildsFailureIsAnErrorTheParentCatches() async throws {
        try await withInProcessDaemon(register: register) { socket in
            let (parent, detail) = try await runParent(["numbers": [1, -2, 3], "catching": true], socket: socket)
            #expect(parent.state == .succeeded, "\(String(describing: parent.error))")
            let failed = try #require(detail.tree?.first { $0.state == .failed })
            #expect(parent.result == ["caught": "child_failed", "child": .int(failed.id)])
            #expect(failed.error?.code == "negative")
            #expect(detail.tree?.filter { $0.state == .succeeded }.count == 2, "gather cancels no sibling")
        }
    }

    @Test func anUncaughtChildFailureFailsTheParentWithTheChildsError() async throws {
        try await withInProcessDaemon(register: register) { socket in
            let (parent, _) = try await runParent(["numbers": [-1]], socket: socket)
            #expect(parent.state == .failed)
            #expect(parent.error?.code == "child_failed")
            #expect(parent.error?.message.contains("-1 is negative") == true, "\(String(describing: parent.error))")
        }
    }

    @Test func aSpawnOfAnUnknownJobIsRefusedAndStoresNothing() async throws {
        try await withInProcessDaemon(register: register) { socket in
            try await ControlClient.withConnection(socketPath: socket) { client in
                let id = try await client.call(.submit, SubmitParams(tasks: [TaskSpec(job: "noop")]), as: SubmitResult.self).ids[0]
                _ = try await client.call(.wait, WaitParams(ids: [id]), as: WaitResult.self)
                await #expect {
                    try await client.call(.spawn, SpawnParams(task: id, attempt: 1, name: nil, job: "nope", args: nil), as: SpawnResult.self)
                } throws: { error in
                    (error as? ClientError)?.rpc?.knownCode == .unknownJob
                }
                await #expect {
                    try await client.call(.spawn, SpawnParams(task: id, attempt: 1, name: nil, job: "noop", args: nil), as: SpawnResult.self)
                } throws: { error in
                    let rpc = (error as? ClientError)?.rpc
                    return rpc?.knownCode == .wrongState && rpc?.message.contains("task \(id) is succeeded") == true
                }
                let status = try await client.call(.status, StatusParams(), as: StatusResult.self)
                #expect(status.tasks.map(\.id) == [id], "nothing was stored")
            }
        }
    }
}
