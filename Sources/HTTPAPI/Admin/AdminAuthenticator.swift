import Foundation
import HTTPTypes
import Identity

/// Admits admin API callers: an administrator's personal access token with the `api` scope.
struct AdminAuthenticator: Sendable {
    let store: any IdentityStore

    func requireAdmin(_ headers: HTTPFields) async throws {
        guard let secret = Self.token(headers) else {
            throw AdminAPIFailure(status: .unauthorized, message: "401 Unauthorized: send an admin token in PRIVATE-TOKEN")
        }
        let now = Date().timeIntervalSince1970
        guard let token = try await store.personalAccessToken(digest: SecretGenerator.digest(secret)), token.isUsable(at: now),
            let user = try await store.user(id: token.userID), !user.isBlocked
        else {
            throw AdminAPIFailure(status: .unauthorized, message: "401 Unauthorized: the token is unknown, revoked or expired")
        }
        guard user.isAdmin, token.scopes.contains(.api) else {
            throw AdminAPIFailure(status: .forbidden, message: "403 Forbidden: an administrator's token with the api scope is needed")
        }
    }

    static func token(_ headers: HTTPFields) -> String? {
        if let value = headers[HTTPField.Name("PRIVATE-TOKEN")!], !value.isEmpty { return value }
        guard let authorization = headers[.authorization] else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}
