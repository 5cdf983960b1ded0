import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Registry

/// A JSON admin API under `/api/v4`, after GitLab's, for what the CLI does: users, groups,
/// projects, members, personal access and deploy tokens. Callers present an administrator's
/// personal access token with the `api` scope (`PRIVATE-TOKEN:` or `Authorization: Bearer`).
public struct AdminAPI: Sendable {
    let admin: IdentityAdmin
    let authenticator: AdminAuthenticator

    public init(admin: IdentityAdmin) {
        self.admin = admin
        self.authenticator = AdminAuthenticator(store: admin.store)
    }

    /// Registers the endpoints; storage limits and cleanup policies too when this process runs
    /// the registry.
    public func register(on router: Router<WharfRequestContext>, registry: RegistryServices? = nil) {
        let api = router.group("api/v4").add(middleware: AdminAPIMiddleware(authenticator: authenticator))
        registerTagRules(on: api)
        if let registry {
            registerQuotas(on: api, quotas: registry.quotas)
            registerProjectPolicies(on: api, cleanup: registry.cleanup)
        }
        api.get("users") { _, _ in try await self.listUsers() }
        api.post("users") { request, context in try await self.createUser(try await request.decode(as: NewUser.self, context: context)) }
        api.post("users/:username/block") { _, context in try await self.block(try context.parameters.require("username"), true) }
        api.post("users/:username/unblock") { _, context in try await self.block(try context.parameters.require("username"), false) }
        api.get("groups") { _, _ in try await self.listGroups() }
        api.post("groups") { request, context in try await self.createGroup(try await request.decode(as: NewPath.self, context: context)) }
        api.get("projects") { _, _ in try await self.listProjects() }
        api.post("projects") { request, context in try await self.createProject(try await request.decode(as: NewPath.self, context: context)) }
        api.post("members") { request, context in try await self.addMember(try await request.decode(as: NewMember.self, context: context)) }
        api.get("personal_access_tokens") { _, _ in try await self.listTokens() }
        api.post("personal_access_tokens") { request, context in
            try await self.createToken(try await request.decode(as: NewToken.self, context: context))
        }
        api.delete("personal_access_tokens/:id") { _, context in try await self.revokeToken(try context.parameters.require("id", as: Int64.self)) }
        api.get("deploy_tokens") { _, _ in try await self.listDeployTokens() }
        api.post("deploy_tokens") { request, context in
            try await self.createDeployToken(try await request.decode(as: NewToken.self, context: context))
        }
        api.delete("deploy_tokens/:id") { _, context in try await self.revokeDeployToken(try context.parameters.require("id", as: Int64.self)) }
    }

    static func message(_ text: String, status: HTTPResponse.Status) throws -> Response {
        try JSONEncoding.response(["message": text], status: status)
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        try JSONEncoding.response(value, status: status)
    }
}
