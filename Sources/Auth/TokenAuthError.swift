/// Why a token or the token configuration was refused.
public enum TokenAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The token is malformed, badly signed, expired or not for this registry.
    case invalidToken(String)
    /// The trust configuration (certificate bundle, JWKS) cannot be used.
    case configuration(String)

    public var description: String {
        switch self {
        case .invalidToken(let reason): "invalid token: \(reason)"
        case .configuration(let reason): "token auth configuration: \(reason)"
        }
    }
}
