import NIOConcurrencyHelpers

/// A circuit breaker for one S3 endpoint. Pure state (the clock is passed in): after
/// `threshold` requests in a row found no server (refused, timed out, reset), the circuit opens
/// and requests fail at once instead of each waiting out its timeouts and retries; one request
/// per `probeInterval` still goes through, and the first answer closes the circuit again — so
/// requests recover as soon as the backend does.
struct S3CircuitState: Sendable, Equatable {
    var threshold = 3
    var probeInterval: Double = 1
    private(set) var consecutiveFailures = 0
    private(set) var openSince: Double?
    private var lastProbe: Double = -.infinity

    init(threshold: Int = 3, probeInterval: Double = 1) {
        self.threshold = threshold
        self.probeInterval = probeInterval
    }

    var isOpen: Bool { openSince != nil }

    /// Whether a request may go out now (closed, or a probe is due).
    mutating func allows(at now: Double) -> Bool {
        guard openSince != nil else { return true }
        guard now - lastProbe >= probeInterval else { return false }
        lastProbe = now
        return true
    }

    /// The server answered (whatever the status): the backend is there.
    mutating func answered() {
        consecutiveFailures = 0
        openSince = nil
    }

    /// No server answered.
    mutating func unreachable(at now: Double) {
        consecutiveFailures += 1
        if consecutiveFailures >= threshold, openSince == nil {
            openSince = now
            lastProbe = now
        }
    }
}

/// The shared, locked circuit of an `S3Client`.
final class S3Circuit: Sendable {
    private let state: NIOLockedValueBox<S3CircuitState>
    private let clock: @Sendable () -> Double

    init(threshold: Int = 3, probeInterval: Double = 1, clock: @escaping @Sendable () -> Double) {
        state = NIOLockedValueBox(S3CircuitState(threshold: threshold, probeInterval: probeInterval))
        self.clock = clock
    }

    func allows() -> Bool { state.withLockedValue { $0.allows(at: clock()) } }
    func answered() { state.withLockedValue { $0.answered() } }
    func unreachable() { state.withLockedValue { $0.unreachable(at: clock()) } }
    var isOpen: Bool { state.withLockedValue { $0.isOpen } }
}
