import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Resumes a program's continuation exactly once, from Foundation's termination handler or
/// from the poll that stands in when that handler never comes.
final class ExitOnce: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Int32, any Error>?

    init(_ continuation: CheckedContinuation<Int32, any Error>) {
        self.continuation = continuation
    }

    var isDone: Bool { lock.withLock { continuation == nil } }

    func resume(returning status: Int32) {
        lock.withLock { continuation.take() }?.resume(returning: status)
    }

    func resume(throwing error: any Error) {
        lock.withLock { continuation.take() }?.resume(throwing: error)
    }

    /// Whether `pid` has exited and nobody has reaped it yet.
    static func isZombie(_ pid: pid_t) -> Bool {
        Process.state(of: pid) == "Z"
    }

    /// Reaps `pid` if it has exited: its exit status, signals mapped to 128 + the signal as
    /// shells do; nil when it is still running or someone else reaped it.
    static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
