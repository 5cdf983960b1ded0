import Auth
import HTTPTypes
import Hummingbird
import OCI

/// The registry half of token auth: every `/v2` request needs a Bearer token granting what
/// its route needs; otherwise 401 `UNAUTHORIZED` with a `WWW-Authenticate` challenge.
public struct TokenAuthorizer: RegistryAuthorizer {
    let controller: AccessController

    public init(controller: AccessController) {
        self.controller = controller
    }

    public func authorize(_ route: RegistryRoute, request: Request) async throws {
        let source = request.uri.queryParameters["mount"] != nil ? request.uri.queryParameters["from"].map(String.init) : nil
        let required = AccessRequirement.accesses(for: route, method: request.method, mountSource: source)
        switch await controller.decide(authorization: request.headers[.authorization], required: required) {
        case .allowed:
            return
        case .challenge(let header, let reason):
            throw AccessRefusal(
                error: RegistryError(.unauthorized, detail: reason),
                headers: [.wwwAuthenticate: header]
            )
        }
    }
}
