/// Who asks for a token.
public enum Principal: Sendable, Equatable {
    case anonymous
    /// A user who signed in with a password (`scopes` nil) or a personal access token.
    case user(User, scopes: [TokenScope]?)
    case deployToken(DeployToken)

    /// The token's `sub`: the username, the deploy token's username, nothing for anonymous.
    public var subject: String? {
        switch self {
        case .anonymous: nil
        case .user(let user, _): user.username
        case .deployToken(let token): token.username
        }
    }

    /// Whether token scopes allow an action: a password login or `api` allows all.
    func scopesAllow(_ action: String) -> Bool {
        let scopes: [TokenScope]
        switch self {
        case .anonymous: return true
        case .user(_, nil): return true
        case .user(_, let given?): scopes = given
        case .deployToken(let token): scopes = token.scopes
        }
        if scopes.contains(.api) { return true }
        switch action {
        case "pull": return scopes.contains(.readRegistry)
        case "push": return scopes.contains(.writeRegistry)
        case "delete", "*": return scopes.contains(.writeRegistry)
        default: return false
        }
    }
}
