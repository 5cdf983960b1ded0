#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Holds background tests until the quick ones have had the pool. Every test starts at once,
/// and a background job, once running, keeps its thread until it awaits; those of the heavy
/// suites also start programs and event-loop threads that take the cores from the pool. So
/// they wait until the quick tests are seen done: the pool's queue empty (a medium-priority
/// task runs at once) and the process nearly idle (under a fifth of a core over 50 ms: quick
/// tests waiting on bcrypt's threads or an event loop leave the queue empty but still burn
/// CPU), three probes in a row (at most 20 s, so nothing waits on a process never idle).
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
            let cpuBefore = processCPUSeconds()
            await Task(priority: .medium) {}.value
            let queueEmpty = clock.now - asked < .milliseconds(5)
            try? await Task.sleep(for: .milliseconds(50))
            let idle = processCPUSeconds() - cpuBefore < 0.010
            quiet = queueEmpty && idle ? quiet + 1 : 0
        }
    }

    /// CPU time this process has used, all threads together.
    private static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
