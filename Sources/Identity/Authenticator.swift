import Foundation

/// Turns Basic credentials into a principal, as GitLab's registry login does: a password, a
/// personal access token (the user's own), or a deploy token with its username. Blocked users,
/// revoked and expired tokens are refused. Nil means the credentials are not valid; every
/// refusal costs one bcrypt, so timing does not tell which part was wrong.
public struct Authenticator: Sendable {
    let store: any IdentityStore
    let passwords: PasswordHasher

    public init(store: any IdentityStore, passwords: PasswordHasher) {
        self.store = store
        self.passwords = passwords
    }

    public func authenticate(username: String, secret: String, now: Double) async throws -> Principal? {
        guard !username.isEmpty, !secret.isEmpty else { return nil }
        if let user = try await store.user(named: username) {
            if !user.isBlocked, let token = try await store.personalAccessToken(digest: SecretGenerator.digest(secret)) {
                if token.userID == user.id, token.isUsable(at: now) { return .user(user, scopes: token.scopes) }
            } else if !user.isBlocked {
                return try await passwords.verify(secret, hash: user.passwordHash, now: now) ? .user(user, scopes: nil) : nil
            }
        } else if let token = try await store.deployToken(username: username), token.isUsable(at: now),
            Self.equal(token.tokenDigest, SecretGenerator.digest(secret))
        {
            return .deployToken(token)
        }
        try await passwords.verifyNothing(secret)
        return nil
    }

    /// Compares digests in constant time.
    static func equal(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
