import NIOConcurrencyHelpers

/// Failed logins in a sliding window, counted per client address (GitLab bans addresses that
/// fail too often) and per username from that address. Never per username alone: anyone could
/// then lock `root` or a CI deploy token out by sending its name with wrong passwords. Past a
/// limit, that address (or that username from it) is refused with 429 and `Retry-After`.
public final class LoginRateLimiter: Sendable {
    /// Failures of one username from one address.
    public let maxFailuresPerUser: Int
    /// Failures of any usernames from one address (password spraying).
    public let maxFailuresPerAddress: Int
    public let window: Double
    private let failures = NIOLockedValueBox<[String: [Double]]>([:])
    /// Keys remembered at most; past it, expired ones go first, then the oldest.
    static let capacity = 100_000

    public init(maxFailuresPerUser: Int = 5, maxFailuresPerAddress: Int = 20, window: Double = 60) {
        self.maxFailuresPerUser = maxFailuresPerUser
        self.maxFailuresPerAddress = maxFailuresPerAddress
        self.window = window
    }

    /// Seconds until `username` may try again from `address`; nil when it may now.
    public func retryAfter(username: String, address: String, now: Double) -> Int? {
        failures.withLockedValue { failures in
            var wait: Double = 0
            for (key, limit) in keys(username: username, address: address) {
                let recent = (failures[key] ?? []).filter { $0 > now - window }
                failures[key] = recent.isEmpty ? nil : recent
                if recent.count >= limit, let oldest = recent.dropLast(limit - 1).last {
                    wait = max(wait, oldest + window - now)
                }
            }
            return wait > 0 ? Int(wait.rounded(.up)) : nil
        }
    }

    public func recordFailure(username: String, address: String, now: Double) {
        failures.withLockedValue { failures in
            if failures.count > Self.capacity {
                failures = failures.filter { ($0.value.last ?? 0) > now - window }
                if failures.count > Self.capacity {
                    let oldest = failures.sorted { ($0.value.last ?? 0) < ($1.value.last ?? 0) }.prefix(failures.count / 2)
                    for (key, _) in oldest { failures[key] = nil }
                }
            }
            for (key, limit) in keys(username: username, address: address) {
                var times = failures[key, default: []]
                times.append(now)
                // Only the newest `limit` failures decide anything.
                if times.count > limit { times.removeFirst(times.count - limit) }
                failures[key] = times
            }
        }
    }

    private func keys(username: String, address: String) -> [(String, Int)] {
        [("address\u{0}" + address, maxFailuresPerAddress), ("user\u{0}" + address + "\u{0}" + username, maxFailuresPerUser)]
    }
}
