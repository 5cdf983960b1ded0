import HTTPTypes
import Hummingbird
import OCI

/// Decides whether a request may use a registry endpoint. The token-auth issue plugs its
/// access controller in here; the route is already parsed, so scopes come from it, not the path.
public protocol RegistryAuthorizer: Sendable {
    /// Throws an `AccessRefusal` (401 with a challenge) to refuse. `origin` is this server as
    /// the client reaches it, for the realm of the challenge.
    func authorize(_ route: RegistryRoute, request: Request, origin: String) async throws
}

/// Lets every request through: the registry runs without authentication.
public struct OpenAccess: RegistryAuthorizer {
    public init() {}

    public func authorize(_ route: RegistryRoute, request: Request, origin: String) async throws {}
}
