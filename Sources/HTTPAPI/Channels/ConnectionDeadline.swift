import NIOCore

/// When a connection must next have made progress, from what it read and wrote. Pure: the
/// handler reports events and arms a timer for `deadline`.
///
/// - Waiting for a request: `idle` after the last response (or the connection's start).
/// - Reading a head: `header` from its first bytes, however slowly they trickle in.
/// - Reading a body: `body` since the last bytes arrived.
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
        if requestOpen { return lastActivity + timeouts.body }
        if responseOpen { return nil }
        if let headStartedAt { return headStartedAt + timeouts.header }
        return lastActivity + timeouts.idle
    }
}
