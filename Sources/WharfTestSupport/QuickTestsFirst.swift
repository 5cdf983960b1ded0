/// Holds background tests until the quick ones have had the pool. Every test starts at once,
/// and a background job, once running, keeps its thread until it awaits; those of the heavy
/// suites also start programs and event-loop threads that take the cores from the pool. So
/// they wait until the pool's queue is seen empty: a medium-priority task run at once, three
/// probes in a row (at most 20 s, so nothing waits on a pool that is never idle).
public actor QuickTestsFirst {
    public static let shared = QuickTestsFirst()

    private var settled: Task<Void, Never>?

    public func wait() async {
        let settled = self.settled ?? Task(priority: .medium) { await Self.settle() }
        self.settled = settled
        await settled.value
    }

    private static func settle() async {
        let clock = ContinuousClock()
        let start = clock.now
        var quiet = 0
        // The first probe after the test library has had time to start every test.
        try? await Task.sleep(for: .milliseconds(200))
        while quiet < 3, clock.now - start < .seconds(20) {
            let asked = clock.now
            await Task(priority: .medium) {}.value
            quiet = clock.now - asked < .milliseconds(5) ? quiet + 1 : 0
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
