import NIOConcurrencyHelpers

/// Failed logins counted per username and per client address in a sliding window; past the
/// limit, further attempts are refused until the window moves (429 with `Retry-After`).
public final class LoginRateLimiter: Sendable {
    public let maxFailures: Int
    public let window: Double
    private let failures = NIOLockedValueBox<[String: [Double]]>([:])

    public init(maxFailures: Int = 10, window: Double = 60) {
        self.maxFailures = maxFailures
        self.window = window
    }

    /// Seconds until `keys` may try again; nil when they may now.
    public func retryAfter(_ keys: [String], now: Double) -> Int? {
        failures.withLockedValue { failures in
            var wait: Double = 0
            for key in keys {
                let recent = (failures[key] ?? []).filter { $0 > now - window }
                failures[key] = recent.isEmpty ? nil : recent
                if recent.count >= maxFailures, let oldest = recent.first { wait = max(wait, oldest + window - now) }
            }
            return wait > 0 ? Int(wait.rounded(.up)) : nil
        }
    }

    public func recordFailure(_ keys: [String], now: Double) {
        failures.withLockedValue { failures in
            if failures.count > 100_000 { failures = failures.filter { ($0.value.last ?? 0) > now - window } }
            for key in keys { failures[key, default: []].append(now) }
        }
    }
}
