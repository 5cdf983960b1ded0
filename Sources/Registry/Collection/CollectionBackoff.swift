/// How long a collection worker sleeps between passes (GitLab's agent): `interval` after a pass
/// that found work; otherwise — an empty pass (unless `noIdleBackoff`) or a failed one — the
/// sleep grows by half each time, up to `maxBackoff`, with up to a third added at random so
/// replicas drift apart. A pass that found work resets it; a full batch goes on at once.
public struct CollectionBackoff: Sendable, Equatable {
    public let interval: Double
    public let maxBackoff: Double
    public let noIdleBackoff: Bool
    public private(set) var current: Double

    public init(interval: Double, maxBackoff: Double, noIdleBackoff: Bool) {
        self.interval = max(0.001, interval)
        self.maxBackoff = max(self.interval, maxBackoff)
        self.noIdleBackoff = noIdleBackoff
        self.current = self.interval
    }

    public enum Outcome: Sendable, Equatable {
        /// Work found and the batch was full: more is due now.
        case fullBatch
        /// Work found, the queue drained.
        case work
        case idle
        case failure
    }

    /// Seconds to sleep after a pass; `random` in 0..<1.
    public mutating func next(after outcome: Outcome, random: Double) -> Double {
        switch outcome {
        case .fullBatch:
            current = interval
            return 0
        case .work:
            current = interval
            return interval
        case .idle where noIdleBackoff:
            current = interval
            return interval
        case .idle, .failure:
            let sleep = min(maxBackoff, current * (1 + random / 3))
            current = min(maxBackoff, current * 1.5)
            return sleep
        }
    }
}
