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

    public func authorize(_ route: RegistryRoute, request: Request, origin: String) async throws {
        var source: String?
        if case .uploads = route, request.method == .post {
            let query = request.uri.queryParameters
            source = query["mount"] != nil ? query["from"].map(String.init) : nil
        }
        let required = AccessRequirement.accesses(for: route, method: request.method, mountSource: source)
        let realm = controller.realm == nil ? origin + "/jwt/auth" : ""
        switch await controller.decide(authorization: request.headers[.authorization], required: required, requestRealm: realm) {
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
