import Foundation

/// What long-running commands (import, backup, restore) print: each line written at once, so a
/// pipe or a CI log shows progress as it happens; on a terminal, running status rewrites one
/// line in place, elsewhere it becomes a plain line at most every few seconds.
final class ConsoleOutput: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal: Bool
    private var statusShown = false
    private var lastPlainStatus = ContinuousClock.now - .seconds(60)
    private let plainInterval: Duration
    private let sink: @Sendable (String) -> Void

    /// Standard output by default; tests pass their own sink and terminal flag.
    init(
        plainInterval: Duration = .seconds(5), isTerminal: Bool = isatty(STDOUT_FILENO) == 1,
        sink: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }
    ) {
        self.plainInterval = plainInterval
        self.isTerminal = isTerminal
        self.sink = sink
    }

    /// A line of its own.
    func line(_ text: String) {
        lock.withLock {
            write((statusShown ? "\r\u{1B}[K" : "") + text + "\n")
            statusShown = false
        }
    }

    /// A running status (bytes, files, rate), replaced by the next one.
    func status(_ text: String) {
        lock.withLock {
            if isTerminal {
                write("\r\u{1B}[K" + text)
                statusShown = true
            } else if ContinuousClock.now - lastPlainStatus >= plainInterval {
                lastPlainStatus = .now
                write(text + "\n")
            }
        }
    }

    private func write(_ text: String) {
        sink(text)
    }
}
