import Auth
import HTTPTypes
import Hummingbird
import Identity
import OCI
import Registry

/// The registry half of token auth: every `/v2` request needs a Bearer token granting what
/// its route needs; otherwise 401 `UNAUTHORIZED` with a `WWW-Authenticate` challenge.
public struct TokenAuthorizer: RegistryAuthorizer {
    let controller: AccessController
    /// Wharf's own identity, when this process issues the tokens it verifies: it answers what
    /// the token's subject may pull beyond the scopes the token names.
    let identity: ScopeGrantor?

    public init(controller: AccessController, identity: ScopeGrantor? = nil) {
        self.controller = controller
        self.identity = identity
    }

    public func authorize(_ route: RegistryRoute, request: Request, origin: String, peer: String?) async throws -> RegistryCaller {
        var source: String?
        if case .uploads = route, request.method == .post {
            let query = request.uri.queryParameters
            source = query["mount"] != nil ? query["from"].map(String.init) : nil
        }
        let required = AccessRequirement.accesses(for: route, method: request.method, mountSource: source)
        let claims = try await verify(required, request: request, origin: origin)
        // Only writes of manifests consult the patterns: a pull never fails on them.
        let writes = request.method == .put || request.method == .delete
        return try caller(claims, protection: writes ? Self.tagProtection(claims, route: route) : .none)
    }

    public func authorize(accesses: [ResourceAccess], request: Request, origin: String, peer: String?) async throws -> RegistryCaller {
        caller(try await verify(accesses, request: request, origin: origin), protection: .none)
    }

    /// The token's claims when it grants `required`; otherwise 401 with a challenge.
    private func verify(_ required: [ResourceAccess], request: Request, origin: String) async throws -> TokenClaims {
        let realm = controller.realm == nil ? origin + "/jwt/auth" : ""
        switch await controller.decide(authorization: request.headers[.authorization], required: required, requestRealm: realm) {
        case .allowed(let claims):
            return claims
        case .challenge(let header, let reason):
            throw AccessRefusal(
                error: RegistryError(.unauthorized, detail: reason),
                headers: [.wwwAuthenticate: header]
            )
        }
    }

    /// Pull on another repository: named with `pull` in the token, or granted to the token's
    /// subject by Wharf's own identity.
    /// GitLab's tag rules from the token's access entries for the route's repository (all of
    /// them, should the token name it more than once).
    static func tagProtection(_ claims: TokenClaims, route: RegistryRoute) throws(RegistryError) -> TagProtection {
        guard case .manifest(let name, _) = route else { return .none }
        let metas = claims.access.filter { $0.type == "repository" && $0.name == name.value }.compactMap(\.meta)
        func unique(_ patterns: [String]) -> [String] {
            var seen = Set<String>()
            return patterns.filter { seen.insert($0).inserted }
        }
        let push = unique(metas.flatMap { $0.tagDenyAccessPatterns?.push ?? [] })
        let delete = unique(metas.flatMap { $0.tagDenyAccessPatterns?.delete ?? [] })
        let immutable = unique(metas.flatMap { $0.tagImmutablePatterns ?? [] })
        guard !(push.isEmpty && delete.isEmpty && immutable.isEmpty) else { return .none }
        return try TagProtection(denyPush: push, denyDelete: delete, immutable: immutable)
    }

    private func caller(_ claims: TokenClaims, protection: TagProtection) -> RegistryCaller {
        let identity = identity
        var projectPaths: [String: String] = [:]
        for access in claims.access where access.type == "repository" {
            if let path = access.meta?.projectPath, projectPaths[access.name] == nil { projectPaths[access.name] = path }
        }
        let mayRename: @Sendable (RepositoryName) async throws -> Bool = { target in
            guard let identity else { return true }
            guard try await identity.isAdministrator(subject: claims.subject) else { return false }
            return try await identity.hasProject(for: target.value)
        }
        return RegistryCaller(principal: claims.subject, tagProtection: protection, projectPaths: projectPaths, mayRename: mayRename) { repository in
            if AccessController.grants(claims, .repository(repository.value, "pull")) { return true }
            guard let identity else { return false }
            return try await identity.mayPull(repository.value, subject: claims.subject)
        }
    }
}
