import NIOConcurrencyHelpers

/// Claims of tokens already verified, by the token's SHA-256, until they expire. Bounded:
/// when full, expired entries go first, then everything.
final class VerifiedTokenCache: Sendable {
    private let entries = NIOLockedValueBox<[[UInt8]: TokenClaims]>([:])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func get(_ fingerprint: [UInt8], now: Int64, leeway: Int64) -> TokenClaims? {
        guard let claims = entries.withLockedValue({ $0[fingerprint] }) else { return nil }
        guard !TokenLifetime.isExpired(claims, now: now, leeway: leeway), !TokenLifetime.isNotYetValid(claims, now: now, leeway: leeway)
        else { return nil }
        return claims
    }

    func put(_ fingerprint: [UInt8], _ claims: TokenClaims, now: Int64) {
        guard capacity > 0 else { return }
        entries.withLockedValue { entries in
            if entries.count >= capacity {
                entries = entries.filter { ($0.value.expiresAt ?? 0) > now }
                if entries.count >= capacity { entries.removeAll() }
            }
            entries[fingerprint] = claims
        }
    }
}
