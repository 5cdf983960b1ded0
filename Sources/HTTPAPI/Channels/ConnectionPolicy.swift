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

    /// Bytes a connection may have queued before a body's writer waits: room for a few of
    /// `FileStreamHandler`'s chunks, so that fewer pauses wake the event loop (TLS pulls took
    /// ~10 % less CPU per GiB than with NIO's 64 KiB).
    static let writeBuffer = ChannelOptions.Types.WriteBufferWaterMark(low: 512 << 10, high: 2 << 20)

    /// Sets the connection's write buffer limits; called at set-up, on the event loop.
    func configureWriteBuffer(_ channel: any Channel) throws {
        try channel.syncOptions?.setOption(ChannelOptions.writeBufferWaterMark, value: Self.writeBuffer)
    }

    /// The per-connection handler enforcing the timeouts.
    func deadlineHandler() -> ConnectionDeadlineHandler {
        ConnectionDeadlineHandler(timeouts: timeouts)
    }
}
