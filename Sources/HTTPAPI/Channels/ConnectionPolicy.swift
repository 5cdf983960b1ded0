import NIOCore

/// What the main listener enforces on every connection: the timeouts of `ConnectionDeadline`
/// and a shared connection count.
public struct ConnectionPolicy: Sendable {
    let timeouts: ConnectionDeadline.Timeouts
    public let counter: ConnectionCounter

    public init(header: TimeAmount = .seconds(20), idle: TimeAmount = .seconds(120), body: TimeAmount = .seconds(300), maxConnections: Int = 4096) {
        timeouts = .init(header: header, idle: idle, body: body)
        counter = ConnectionCounter(limit: maxConnections)
    }

    /// The per-connection handler enforcing the timeouts.
    func deadlineHandler() -> ConnectionDeadlineHandler {
        ConnectionDeadlineHandler(timeouts: timeouts)
    }
}
