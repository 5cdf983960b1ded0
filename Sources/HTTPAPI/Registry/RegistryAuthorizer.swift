import Auth
import HTTPTypes
import Hummingbird
import OCI

/// Decides whether a request may use a registry endpoint. The route is already parsed, so
/// scopes come from it, not the path.
public protocol RegistryAuthorizer: Sendable {
    /// The caller, when allowed; throws an `AccessRefusal` (401 with a challenge) to refuse.
    /// `origin` is this server as the client reaches it, for the realm of the challenge;
    /// `peer` the client's address.
    func authorize(_ route: RegistryRoute, request: Request, origin: String, peer: String?) async throws -> RegistryCaller

    /// The same for routes outside `/v2` (GitLab's `/gitlab/v1`), which name their accesses;
    /// none: any valid token.
    func authorize(accesses: [ResourceAccess], request: Request, origin: String, peer: String?) async throws -> RegistryCaller
}

/// Lets every request through: the registry runs without authentication.
public struct OpenAccess: RegistryAuthorizer {
    public init() {}

    public func authorize(_ route: RegistryRoute, request: Request, origin: String, peer: String?) async throws -> RegistryCaller {
        .open(address: peer)
    }

    public func authorize(accesses: [ResourceAccess], request: Request, origin: String, peer: String?) async throws -> RegistryCaller {
        .open(address: peer)
    }
}
