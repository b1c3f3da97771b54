import CoroqCore
import Foundation
import Testing

/// Cron expressions and their next firing times, daylight-saving changes included (issue 11, item 9).
struct CronScheduleTests {
    static func instant(_ text: String) -> Date {
        try! Date(text, strategy: .iso8601)
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let zone: String
        let expression: String
        let after: String
        let next: String
        var testDescription: String { "\(expression) in \(zone) after \(after)" }
    }

    @Test(arguments: [
        Case(zone: "UTC", expression: "*/15 * * * *", after: "2026-01-01T00:07:00Z", next: "2026-01-01T00:15:00Z"),
        Case(zone: "UTC", expression: "0 0 * * *", after: "2026-01-01T00:00:00Z", next: "2026-01-02T00:00:00Z"),
        Case(zone: "UTC", expression: "@hourly", after: "2026-01-01T10:59:59Z", next: "2026-01-01T11:00:00Z"),
        Case(zone: "UTC", expression: "0 9 * * mon-fri", after: "2026-01-02T10:00:00Z", next: "2026-01-05T09:00:00Z"),
        Case(zone: "UTC", expression: "0 0 29 2 *", after: "2026-03-01T00:00:00Z", next: "2028-02-29T00:00:00Z"),
        // Both day fields restricted: either matches (the 1st, the 15th, or a Monday).
        Case(zone: "UTC", expression: "0 0 1,15 * 1", after: "2026-01-01T00:00:00Z", next: "2026-01-05T00:00:00Z"),
        Case(zone: "UTC", expression: "30 4 1 jan *", after: "2026-01-01T04:30:00Z", next: "2027-01-01T04:30:00Z"),
        Case(zone: "UTC", expression: "0 0 * * 7", after: "2026-01-01T00:00:00Z", next: "2026-01-04T00:00:00Z"),
        Case(zone: "UTC", expression: "5/20 * * * *", after: "2026-01-01T00:06:00Z", next: "2026-01-01T00:25:00Z"),
        Case(zone: "UTC", expression: "@weekly", after: "2026-01-01T00:00:00Z", next: "2026-01-04T00:00:00Z"),
        Case(zone: "UTC", expression: "@monthly", after: "2026-01-31T23:59:00Z", next: "2026-02-01T00:00:00Z"),
        Case(zone: "America/New_York", expression: "0 12 * * *", after: "2026-07-01T00:00:00Z", next: "2026-07-01T16:00:00Z"),
        // Clocks forward (2026-03-08 02:00 EST → 03:00 EDT): 02:30 does not exist; it fires at the jump.
        Case(zone: "America/New_York", expression: "30 2 * * *", after: "2026-03-07T12:00:00Z", next: "2026-03-08T07:00:00Z"),
        Case(zone: "America/New_York", expression: "30 2 * * *", after: "2026-03-08T07:00:00Z", next: "2026-03-09T06:30:00Z"),
        // Clocks back (2026-11-01 02:00 EDT → 01:00 EST): 01:30 happens twice; it fires at the first only.
        Case(zone: "America/New_York", expression: "30 1 * * *", after: "2026-11-01T04:00:00Z", next: "2026-11-01T05:30:00Z"),
        Case(zone: "America/New_York", expression: "30 1 * * *", after: "2026-11-01T05:30:00Z", next: "2026-11-02T06:30:00Z"),
        Case(zone: "Europe/Berlin", expression: "0 3 * * *", after: "2026-10-24T12:00:00Z", next: "2026-10-25T02:00:00Z"),
        // Every half hour of 02:xx on the day 02:00–03:00 is skipped: one firing, at the jump.
        Case(zone: "Europe/Berlin", expression: "*/30 2 * * *", after: "2026-03-29T00:30:00Z", next: "2026-03-29T01:00:00Z"),
        Case(zone: "Europe/Berlin", expression: "*/30 2 * * *", after: "2026-03-29T01:00:00Z", next: "2026-03-30T00:00:00Z"),
    ])
    func nextFiring(_ example: Case) throws {
        let rule = FiringRule.cron(try CronExpression(example.expression), TimeZone(identifier: example.zone)!)
        #expect(rule.nextFiring(after: Self.instant(example.after)) == Self.instant(example.next))
    }

    @Test func aDateThatNeverComesNeverFires() throws {
        let rule = FiringRule.cron(try CronExpression("0 0 30 2 *"), TimeZone(identifier: "UTC")!)
        #expect(rule.nextFiring(after: Self.instant("2026-01-01T00:00:00Z")) == nil)
    }

    @Test(arguments: [
        ("* * * *", "expected 5 fields"), ("60 * * * *", "minute field: '60' is not in 0-59"),
        ("* 24 * * *", "hour field"), ("* * 0 * *", "day of month field"), ("* * * 13 *", "month field"),
        ("* * * * 8", "day of week field"), ("*/0 * * * *", "step '0' must be a positive number"),
        ("5-1 * * * *", "goes backwards"), ("@every 5m", "unknown name @every"), ("a * * * *", "'a' is not in 0-59"),
        ("* * * foo *", "or a name such as jan"), ("1,,2 * * * *", "is not a value, range or step"),
    ])
    func refusesWhatIsNotCron(expression: String, says: String) {
        #expect { _ = try CronExpression(expression) } throws: { error in
            "\(error)".contains(says) && "\(error)".contains(expression)
        }
    }

    @Test func namesAreCaseInsensitive() throws {
        let rule = FiringRule.cron(try CronExpression("0 0 * JAN-MAR SUN"), TimeZone(identifier: "UTC")!)
        #expect(rule.nextFiring(after: Self.instant("2026-03-29T00:00:00Z")) == Self.instant("2027-01-03T00:00:00Z"))
    }

    @Test func intervalsCountFromTheirAnchor() {
        let anchor = Self.instant("2026-01-01T00:00:00Z")
        let rule = FiringRule.interval(seconds: 10, anchor: anchor)
        #expect(rule.nextFiring(after: anchor.addingTimeInterval(-5)) == anchor)
        #expect(rule.nextFiring(after: anchor) == anchor.addingTimeInterval(10))
        #expect(rule.nextFiring(after: anchor.addingTimeInterval(15)) == anchor.addingTimeInterval(20))
    }
}

/// Firings missed while the daemon was down follow the schedule's catch-up policy; those that came while
/// it ran always fire.
struct SlotPlanTests {
    let anchor = Date(timeIntervalSince1970: 0)
    var rule: FiringRule { .interval(seconds: 60, anchor: anchor) }
    /// Down from just after slot 0 until 600.5 s: slots 60 … 600 were missed.
    let booted = Date(timeIntervalSince1970: 600.5)

    @Test(arguments: [(CatchUp.none, 0), (.last, 1), (.all, 10)])
    func missedFiringsFollowThePolicy(policy: CatchUp, fired: Int) {
        let plan = SlotPlan(rule: rule, lastSlot: anchor, bootedAt: booted, now: booted, catchUp: policy)
        #expect(plan.due.count == fired)
        #expect(plan.due.last == (fired == 0 ? nil : Date(timeIntervalSince1970: 600)))
        #expect(plan.last == Date(timeIntervalSince1970: 600))
        #expect(plan.next == Date(timeIntervalSince1970: 660))
        #expect(plan.skippedMissed == (policy != .all))
    }

    @Test func aSlotThatCameWhileRunningFiresWhateverThePolicy() {
        let plan = SlotPlan(rule: rule, lastSlot: Date(timeIntervalSince1970: 600), bootedAt: booted,
                            now: Date(timeIntervalSince1970: 660.01), catchUp: .none)
        #expect(plan.due == [Date(timeIntervalSince1970: 660)])
        #expect(!plan.skippedMissed)
    }

    @Test func aLongDowntimeFiresAtMostTheCapAndCostsOneWindow() {
        let everySecond = FiringRule.interval(seconds: 1, anchor: anchor)
        let booted = Date(timeIntervalSince1970: 30 * 86400 + 0.5)
        let plan = SlotPlan(rule: everySecond, lastSlot: anchor, bootedAt: booted, now: booted, catchUp: .all)
        #expect(plan.due.count == SlotPlan.maximumCatchUp)
        #expect(plan.due.last == Date(timeIntervalSince1970: 30 * 86400))
        #expect(plan.skippedMissed)
    }
}
