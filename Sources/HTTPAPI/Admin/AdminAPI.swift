import Foundation
import HTTPTypes
import Hummingbird
import Identity

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

    public func register(on router: Router<WharfRequestContext>) {
        let api = router.group("api/v4")
        api.get("users") { request, _ in try await self.guarded(request) { try await self.listUsers() } }
        api.post("users") { request, _ in try await self.guarded(request) { try await self.createUser(try await Self.body(request)) } }
        api.post("users/:username/block") { request, context in
            try await self.guarded(request) { try await self.block(try context.parameters.require("username"), true) }
        }
        api.post("users/:username/unblock") { request, context in
            try await self.guarded(request) { try await self.block(try context.parameters.require("username"), false) }
        }
        api.get("groups") { request, _ in try await self.guarded(request) { try await self.listGroups() } }
        api.post("groups") { request, _ in try await self.guarded(request) { try await self.createGroup(try await Self.body(request)) } }
        api.get("projects") { request, _ in try await self.guarded(request) { try await self.listProjects() } }
        api.post("projects") { request, _ in try await self.guarded(request) { try await self.createProject(try await Self.body(request)) } }
        api.post("members") { request, _ in try await self.guarded(request) { try await self.addMember(try await Self.body(request)) } }
        api.get("personal_access_tokens") { request, _ in try await self.guarded(request) { try await self.listTokens() } }
        api.post("personal_access_tokens") { request, _ in
            try await self.guarded(request) { try await self.createToken(try await Self.body(request)) }
        }
        api.delete("personal_access_tokens/:id") { request, context in
            try await self.guarded(request) { try await self.revokeToken(try context.parameters.require("id", as: Int64.self)) }
        }
        api.get("deploy_tokens") { request, _ in try await self.guarded(request) { try await self.listDeployTokens() } }
        api.post("deploy_tokens") { request, _ in
            try await self.guarded(request) { try await self.createDeployToken(try await Self.body(request)) }
        }
        api.delete("deploy_tokens/:id") { request, context in
            try await self.guarded(request) { try await self.revokeDeployToken(try context.parameters.require("id", as: Int64.self)) }
        }
    }

    /// Checks the caller, runs the action, and renders failures as `{"message": ...}` with
    /// GitLab's statuses.
    private func guarded(_ request: Request, _ action: () async throws -> Response) async throws -> Response {
        do {
            try await authenticator.requireAdmin(request.headers)
            return try await action()
        } catch let failure as AdminAPIFailure {
            return try Self.message(failure.message, status: failure.status)
        } catch let error as IdentityError {
            switch error {
            case .invalidInput(let message): return try Self.message(message, status: .badRequest)
            case .notFound(let message): return try Self.message(message, status: .notFound)
            case .conflict(let message): return try Self.message(message, status: .conflict)
            }
        } catch is DecodingError {
            return try Self.message("the body is not the JSON this endpoint takes", status: .badRequest)
        }
    }

    static func message(_ text: String, status: HTTPResponse.Status) throws -> Response {
        try JSONEncoding.response(["message": text], status: status)
    }

    static func body<T: Decodable>(_ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        try JSONEncoding.response(value, status: status)
    }
}
