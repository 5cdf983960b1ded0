import Foundation
import Testing
import WharfTestSupport

@testable import wharf

/// Progress on a terminal rewrites one line; elsewhere it becomes plain lines, not too many.
@Suite(.backgroundPriority, .timeLimit(.minutes(10))) struct ConsoleOutputTests {
    final class Captured: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        func append(_ more: String) { lock.withLock { text += more } }
        var value: String { lock.withLock { text } }
    }

    @Test func aTerminalSeesOneStatusLineRewrittenInPlace() {
        let captured = Captured()
        let console = ConsoleOutput(isTerminal: true, sink: captured.append)
        console.status("1/3 files")
        console.status("2/3 files")
        console.line("done")
        #expect(captured.value == "\r\u{1B}[K1/3 files\r\u{1B}[K2/3 files\r\u{1B}[Kdone\n")
    }

    @Test func aPipeSeesPlainLinesAtMostOncePerInterval() {
        let captured = Captured()
        let console = ConsoleOutput(plainInterval: .seconds(60), isTerminal: false, sink: captured.append)
        console.line("backing up")
        console.status("1/3 files")
        console.status("2/3 files")
        console.line("wrote it")
        #expect(captured.value == "backing up\n1/3 files\nwrote it\n")
    }
}
