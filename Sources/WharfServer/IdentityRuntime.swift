import Config
import Foundation
import HTTPAPI
import Identity
import Logging
import MetadataSQLite

/// The GitLab half of a process: the signing key, the first admin, and `/jwt/auth`.
struct IdentityRuntime: Sendable {
    let store: any IdentityStore
    let keyPair: SigningKeyPair
    let issuer: TokenIssuer
    let passwords: PasswordHasher
    let endpoint: TokenEndpoint
    let adminAPI: AdminAPI
    /// Whether this start made the first admin (and should say how to log in).
    let createdRoot: Bool

    static func start(_ configuration: Configuration, data: DataDirectory, database: SQLiteDatabase, logger: Logger) async throws -> IdentityRuntime {
        let store = SQLiteIdentityStore(database: database)
        let passwords = PasswordHasher()
        // Reading the files is blocking, making a key takes seconds of CPU: neither on the pool.
        let settings = configuration.identity
        let keyPair = try await CPUWork.run { try SigningKeyFiles.loadOrGenerate(settings, data: data, logger: logger) }
        let issuer = try await TokenIssuer(
            keyPair: keyPair, issuer: configuration.identity.issuer, service: configuration.identity.service,
            lifetime: configuration.identity.tokenLifetime
        )
        let admin = IdentityAdmin(store: store, passwords: passwords)
        let createdRoot = try await InitialRootUser.ensure(admin: admin, data: data, logger: logger)
        let endpoint = TokenEndpoint(
            authenticator: Authenticator(store: store, passwords: passwords), grantor: ScopeGrantor(store: store),
            issuer: issuer, limiter: LoginRateLimiter(), logger: logger
        )
        return IdentityRuntime(
            store: store, keyPair: keyPair, issuer: issuer, passwords: passwords, endpoint: endpoint, adminAPI: AdminAPI(admin: admin),
            createdRoot: createdRoot
        )
    }
}
