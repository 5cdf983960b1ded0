import NIOCore

/// When a connection must next have made progress, from what it read and wrote. Pure: the
/// handler reports events and arms a timer for `deadline`.
///
/// - Waiting for a request: `idle` after the last response (or the connection's start).
/// - Reading a head: `header` from its first bytes, however slowly they trickle in.
/// - Reading a body: `body` since the last bytes arrived, counted only while the server asks for
///   more: while the application holds reads back (its disk or upstream is behind), the wait is
///   the server's, and a slow disk must not cut off an honest client.
/// - Answering (the request is read): no deadline; the application owns that time.
struct ConnectionDeadline: Sendable {
    struct Timeouts: Sendable, Equatable {
        var header: TimeAmount
        var idle: TimeAmount
        var body: TimeAmount
    }

    let timeouts: Timeouts
    private var requestOpen = false
    private var responseOpen = false
    private var headStartedAt: NIODeadline?
    private var lastActivity: NIODeadline
    /// The server has asked the socket for more and nothing has arrived since.
    private var readRequested = true

    init(timeouts: Timeouts, now: NIODeadline) {
        self.timeouts = timeouts
        self.lastActivity = now
    }

    /// A read from the socket completed (possibly only part of a head).
    mutating func bytesArrived(at now: NIODeadline) {
        if requestOpen {
            lastActivity = now
        } else if !responseOpen, headStartedAt == nil {
            headStartedAt = now
        }
    }

    /// A batch of reads ended; until the application asks again, it is holding reads back.
    mutating func readsPaused() {
        readRequested = false
    }

    /// The application asked for more bytes: a paused body's clock starts again from now.
    mutating func readAsked(at now: NIODeadline) {
        guard !readRequested else { return }
        readRequested = true
        if requestOpen { lastActivity = now }
    }

    mutating func headReceived(at now: NIODeadline) {
        requestOpen = true
        responseOpen = true
        headStartedAt = nil
        lastActivity = now
    }

    mutating func requestEnded(at now: NIODeadline) {
        requestOpen = false
        lastActivity = now
    }

    mutating func responseEnded(at now: NIODeadline) {
        responseOpen = false
        lastActivity = now
    }

    var deadline: NIODeadline? {
        if requestOpen { return readRequested ? lastActivity + timeouts.body : nil }
        if responseOpen { return nil }
        if let headStartedAt { return headStartedAt + timeouts.header }
        return lastActivity + timeouts.idle
    }
}
