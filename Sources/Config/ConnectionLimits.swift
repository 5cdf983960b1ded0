/// How long a client may take and how many may be connected (Wharf's keys `http.timeouts.*`
/// and `http.maxconnections`): a slow client cannot hold a connection, and many cannot hold
/// every descriptor.
public struct ConnectionLimits: Sendable, Equatable {
    /// `http.timeouts.header`: seconds from a request's first byte (or a TLS connection's
    /// start) to the end of its head.
    public var header: Double = 20
    /// `http.timeouts.idle`: seconds a kept-alive connection may wait for its next request.
    public var idle: Double = 120
    /// `http.timeouts.body`: seconds a request body may stall between bytes (a chunk upload
    /// over a slow link still sends something every few seconds).
    public var body: Double = 300
    /// `http.maxconnections`: connections served at once; more are closed at once.
    public var maxConnections = 4096

    public init() {}
}
