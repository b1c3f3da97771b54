import CoroqCore
import Testing

/// When a blocked task runs, waits or is cancelled, by its dependencies' states and its policy.
@Suite struct DependencyVerdictTests {
    typealias Case = (policy: AfterPolicy, states: [TaskState?], verdict: DependencyVerdict)

    static let cases: [Case] = [
        (.succeeded, [.succeeded, .succeeded], .release),
        (.succeeded, [.succeeded, .running], .wait),
        (.succeeded, [.pending, .blocked], .wait),
        (.succeeded, [.running, .failed], .cancel(reason: "dependency 2 failed")),  // at once, not after the others
        (.succeeded, [.cancelled, .failed], .cancel(reason: "dependency 1 was cancelled")),  // the oldest is named
        (.succeeded, [nil, .succeeded], .release),  // deleted by retention after it finished
        (.succeeded, [.interrupted], .wait),  // a person decides: it has not finished
        (.finished, [.failed, .cancelled, .succeeded], .release),
        (.finished, [.failed, .queued], .wait),
        (.finished, [nil], .release),
    ]

    @Test(arguments: cases.indices)
    func verdict(_ index: Int) {
        let (policy, states, verdict) = Self.cases[index]
        let dependencies = states.enumerated().map { (id: TaskID(Int64($0.offset + 1)), state: $0.element) }
        #expect(DependencyVerdict.deciding(policy: policy, states: dependencies) == verdict)
    }

    @Test func dependenciesAreSortedAndUnique() {
        #expect(TaskDependencies(ids: [TaskID(3), TaskID(1), TaskID(3)]).ids == [TaskID(1), TaskID(3)])
    }
}
