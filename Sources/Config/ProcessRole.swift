/// What one `wharf serve` process does.
public enum ProcessRole: String, Sendable, Equatable, CaseIterable {
    /// The registry and `/jwt/auth` on one listener (the default).
    case all
    /// Only `/jwt/auth` and the admin API, in front of another registry (a real Distribution).
    case auth
    /// Only the registry, trusting an external issuer's tokens.
    case registry
}
