/// Whether claims are within their validity at `now`, with `leeway` seconds of clock skew on
/// `exp` and `nbf`. Sums saturate: dates are the token's, anything in `Int64` is possible.
enum TokenLifetime {
    static func isExpired(_ claims: TokenClaims, now: Int64, leeway: Int64) -> Bool {
        guard let expiry = claims.expiresAt else { return true }
        return now > expiry.addingSaturated(leeway)
    }

    static func isNotYetValid(_ claims: TokenClaims, now: Int64, leeway: Int64) -> Bool {
        guard let notBefore = claims.notBefore else { return false }
        return now.addingSaturated(leeway) < notBefore
    }
}
