import Foundation

/// What long-running commands (import, backup, restore) print: each line written at once, so a
/// pipe or a CI log shows progress as it happens; on a terminal, running status rewrites one
/// line in place, elsewhere it becomes a plain line at most every few seconds.
final class ConsoleOutput: @unchecked Sendable {
    private let lock = NSLock()
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var statusShown = false
    private var lastPlainStatus = ContinuousClock.now - .seconds(60)
    private let plainInterval: Duration

    init(plainInterval: Duration = .seconds(5)) {
        self.plainInterval = plainInterval
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
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}
