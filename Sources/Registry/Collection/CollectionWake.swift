import NIOConcurrencyHelpers

/// Wakes this process's blob collector out of its backoff: a push waiting for a blob's deletion
/// (perhaps under a lease a killed `wharf gc run` left) needs a collector to take the lease over
/// once it expires, not in a day.
public final class CollectionWake: Sendable {
    public static let shared = CollectionWake()
    private let requested = NIOLockedValueBox(false)

    public init() {}

    public func wake() { requested.withLockedValue { $0 = true } }

    /// Whether a wake was asked for since the last call; clears it.
    public func take() -> Bool {
        requested.withLockedValue { requested in
            defer { requested = false }
            return requested
        }
    }
}
