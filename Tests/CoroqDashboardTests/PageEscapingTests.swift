@testable import CoroqDashboard
import CoroqJSON
import CoroqProtocol
import CoroqStore
import Testing

/// Task data is shown as text: arguments, results, errors, job names and notes never become markup.
@Suite struct PageEscapingTests {
    let hostile = "<script>alert('x')</script>\"&"

    private func task(_ state: TaskInfo.State = .running) -> TaskInfo {
        var task = TaskInfo(
            id: 7, job: "exec<b>", args: ["cmd": .string(hostile)], state: state, attempts: 1, createdAt: 1_000_000,
            startedAt: 1_000_001, finishedAt: nil, result: .string(hostile),
            error: TaskErrorInfo(code: "<i>", message: hostile, details: nil), onDone: hostile)
        task.progress = ProgressInfo(fraction: 0.5, note: hostile, updatedAt: 1_000_002)
        return task
    }

    @Test func escapeReplacesEveryCharacterThatMeansSomethingInHTML() {
        #expect(HTML.escape(hostile) == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&amp;")
        #expect(HTML.escape("plain ✓ text") == "plain ✓ text")
    }

    @Test func noPageCarriesTheArgumentAsMarkup() {
        let detail = TaskDetail(task: task(), attempts: [], callbacks: [], steps: nil, after: nil, tree: nil)
        let pages = [
            TaskPage.page(detail, notice: hostile),
            TasksPage.page(TasksPage.Data(query: TaskPageQuery(job: hostile), tasks: [task()], floor: nil), queues: ["default"]),
            OverviewPage.page(OverviewPage.Data(counts: ["running": 1], queues: [QueueSummary(name: hostile, limit: 4, running: 1, queued: 0, paused: false)], minutes: [], running: [task()])),
        ]
        for page in pages {
            #expect(!page.contains("<script>alert"), "the argument must not become a script element")
            #expect(!page.contains("<b>") && !page.contains("<i>"))
            #expect(page.contains("&lt;script&gt;"), "it shows as text")
            #expect(page.components(separatedBy: "<script").count - 1 == 1, "the only script is the dashboard's own")
        }
    }

    @Test func theOverviewShowsEachStatesCountAndTheRunningTasksProgress() {
        let page = OverviewPage.live(OverviewPage.Data(
            counts: ["running": 3, "failed": 2], queues: [QueueSummary(name: "default", limit: 8, running: 3, queued: 0, paused: false)],
            minutes: [MinuteCounts.Minute(minute: 1, finished: 4, failed: 1)], running: [task()]))
        #expect(page.contains(#"<div class="k">running</div><div class="n">3</div>"#))
        #expect(page.contains(#"<div class="k">failed</div><div class="n">2</div>"#))
        #expect(page.contains(#"aria-valuenow="50""#), "the running task's progress bar at 50 %")
        #expect(page.contains("4 finished, 1 failed in the last hour"))
    }

    @Test func formsAndQueriesRoundTrip() {
        #expect(HTML.form("value=%7B%22a%22%3A1%7D&x=a+b") == ["value": "{\"a\":1}", "x": "a b"])
        #expect(HTML.percentDecoded(HTML.query("a b&c=d/é")) == "a b&c=d/é")
    }

    @Test func aFilterThatIsNotAStateIsRefusedByName() {
        #expect(throws: DashboardError.self) { try TasksPage.query(from: ["state": "done"]) }
        #expect((try? TasksPage.query(from: ["state": "failed", "before": "10"]))?.before == 10)
    }

    @Test func liveEventsKeepEveryLineAsData() {
        #expect(LiveEvents.event("page", "a\nb") == "event: page\ndata: a\ndata: b\n\n")
        #expect(LiveEvents.jsonString("x\n\"\u{1}") == "\"x\\n\\\"\\u0001\"")
    }
}
