import CoroqCore
import Testing

@Suite struct TaskStateMachineTests {
    static let legal: [(TaskState, TaskEvent, TaskState)] = [
        (.queued, .claim, .running),
        (.queued, .cancel, .cancelled),
        (.running, .succeed, .succeeded),
        (.running, .fail, .failed),
        (.running, .cancel, .cancelled),
        (.running, .requeue, .queued),
        (.running, .interrupt, .interrupted),
        (.interrupted, .retry, .queued),
        (.interrupted, .cancel, .cancelled),
        (.blocked, .release, .queued),
        (.blocked, .cancel, .cancelled),
        (.pending, .succeed, .succeeded),
        (.pending, .fail, .failed),
        (.pending, .cancel, .cancelled),
        (.running, .backOff, .scheduled),
        (.scheduled, .promote, .queued),
        (.scheduled, .cancel, .cancelled),
        (.failed, .retry, .queued),
        (.cancelled, .retry, .queued),
    ]

    static let allEvents: [TaskEvent] = [.claim, .succeed, .fail, .cancel, .requeue, .interrupt, .retry, .release, .promote, .backOff]

    @Test(arguments: legal)
    func legalTransition(from: TaskState, event: TaskEvent, to: TaskState) throws {
        #expect(try from.applying(event) == to)
    }

    /// Every (state, event) pair not in the legal table is rejected — including anything but a person's retry on a final state.
    @Test(arguments: TaskState.allCases)
    func illegalTransitionsAreRejected(from state: TaskState) {
        for event in Self.allEvents where !Self.legal.contains(where: { $0.0 == state && $0.1 == event }) {
            #expect(throws: TaskTransitionError(from: state, event: event)) {
                try state.applying(event)
            }
        }
    }

    @Test func finalStatesAreExactlyTheOutcomes() {
        #expect(TaskState.allCases.filter(\.isFinal) == [.succeeded, .failed, .cancelled])
    }

    @Test func outcomeMapsToItsState() {
        #expect(TaskOutcome.succeeded(.null).state == .succeeded)
        #expect(TaskOutcome.failed(TaskError(code: "x", message: "y")).state == .failed)
        #expect(TaskOutcome.cancelled(reason: "r").state == .cancelled)
    }
}
