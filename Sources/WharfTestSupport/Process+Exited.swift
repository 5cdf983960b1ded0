import Foundation

extension Process {
    /// Waits, a few milliseconds at a time and at most `timeout`, until the process has exited:
    /// it is a zombie or gone, so its locks and files are released. Unlike `waitUntilExit()` it
    /// does not wait on Foundation's run loop and exit monitoring, which have stalled under load
    /// in a full test run; it leaves reaping and the exit status to Foundation.
    public func waitUntilExited(timeout: Duration = .seconds(30)) {
        let pid = processIdentifier
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let state = Self.state(of: pid), state != "Z", state != "X" else { return }
            usleep(2_000)
        }
    }

    /// The state letter `/proc/<pid>/stat` gives (`R`, `S`, `Z` for a zombie...), nil once gone.
    public static func state(of pid: pid_t) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }
}
