import Foundation
import Hummingbird
import Identity

/// The endpoints' bodies and answers.
extension AdminAPI {
    struct UserView: Encodable {
        let id: Int64
        let username: String
        let isAdmin: Bool
        let state: String
        var password: String?

        init(_ user: User, password: String? = nil) {
            id = user.id
            username = user.username
            isAdmin = user.isAdmin
            state = user.isBlocked ? "blocked" : "active"
            self.password = password
        }

        enum CodingKeys: String, CodingKey { case id, username, isAdmin = "is_admin", state, password }
    }

    struct NewUser: Decodable {
        let username: String
        let password: String?
        let admin: Bool?
    }

    struct NewPath: Decodable {
        let path: String
        let visibility: String?
    }

    struct NewMember: Decodable {
        let username: String
        let group: String?
        let project: String?
        let role: String
    }

    struct NewToken: Decodable {
        let username: String?
        let group: String?
        let project: String?
        let name: String
        let scopes: [String]
        let expiresInDays: Int?

        enum CodingKeys: String, CodingKey { case username, group, project, name, scopes, expiresInDays = "expires_in_days" }

        func scopeList() throws -> [TokenScope] { try TokenScope.parseList(scopes.joined(separator: ",")) }

        func target() throws -> IdentityAdmin.Target {
            switch (group, project) {
            case (let group?, nil): return .group(group)
            case (nil, let project?): return .project(project)
            default: throw IdentityError.invalidInput("give exactly one of group and project")
            }
        }
    }

    struct TokenView: Encodable {
        let id: Int64
        let name: String
        let username: String?
        let scopes: [String]
        let expiresAt: String?
        let revoked: Bool
        var token: String?

        enum CodingKeys: String, CodingKey { case id, name, username, scopes, expiresAt = "expires_at", revoked, token }
    }

    func listUsers() async throws -> Response {
        try Self.json(try await admin.store.users().map { UserView($0) })
    }

    func createUser(_ body: NewUser) async throws -> Response {
        let created = try await admin.createUser(username: body.username, password: body.password, isAdmin: body.admin ?? false)
        return try Self.json(UserView(created.record, password: body.password == nil ? created.secret : nil), status: .created)
    }

    func block(_ username: String, _ blocked: Bool) async throws -> Response {
        try await admin.setBlocked(username: username, blocked)
        guard let user = try await admin.store.user(named: username) else { throw IdentityError.notFound("no user \(username)") }
        return try Self.json(UserView(user))
    }

    func listGroups() async throws -> Response {
        try Self.json(try await admin.store.namespaces().map { ["id": String($0.id), "path": $0.path, "kind": $0.kind.rawValue] })
    }

    func createGroup(_ body: NewPath) async throws -> Response {
        let group = try await admin.createGroup(path: body.path)
        return try Self.json(["id": String(group.id), "path": group.path, "kind": group.kind.rawValue], status: .created)
    }

    func listProjects() async throws -> Response {
        try Self.json(try await admin.store.projects().map { ["id": String($0.id), "path": $0.path, "visibility": $0.visibility.rawValue] })
    }

    func createProject(_ body: NewPath) async throws -> Response {
        guard let visibility = Visibility(rawValue: body.visibility ?? "private") else {
            throw IdentityError.invalidInput("visibility is private, internal or public")
        }
        let project = try await admin.createProject(path: body.path, visibility: visibility)
        return try Self.json(["id": String(project.id), "path": project.path, "visibility": project.visibility.rawValue], status: .created)
    }

    func addMember(_ body: NewMember) async throws -> Response {
        guard let role = Role(name: body.role) else { throw IdentityError.invalidInput("role is guest, reporter, developer, maintainer or owner") }
        let target: IdentityAdmin.Target
        switch (body.group, body.project) {
        case (let group?, nil): target = .group(group)
        case (nil, let project?): target = .project(project)
        default: throw IdentityError.invalidInput("give exactly one of group and project")
        }
        try await admin.addMember(username: body.username, to: target, role: role)
        return try Self.json(["username": body.username, "role": role.description], status: .created)
    }

    func listTokens() async throws -> Response {
        try Self.json(try await admin.store.personalAccessTokens(userID: nil).map(Self.view))
    }

    func createToken(_ body: NewToken) async throws -> Response {
        guard let username = body.username else { throw IdentityError.invalidInput("give the username the token is for") }
        let created = try await admin.createPersonalAccessToken(
            username: username, name: body.name, scopes: try body.scopeList(), expiresInDays: body.expiresInDays
        )
        var view = Self.view(created.record)
        view.token = created.secret
        return try Self.json(view, status: .created)
    }

    func revokeToken(_ id: Int64) async throws -> Response {
        guard try await admin.store.revokePersonalAccessToken(id: id) else { throw IdentityError.notFound("no active token \(id)") }
        return Response(status: .noContent)
    }

    func listDeployTokens() async throws -> Response {
        try Self.json(try await admin.store.deployTokens().map(Self.view))
    }

    func createDeployToken(_ body: NewToken) async throws -> Response {
        let created = try await admin.createDeployToken(
            for: try body.target(), name: body.name, scopes: try body.scopeList(), expiresInDays: body.expiresInDays
        )
        var view = Self.view(created.record)
        view.token = created.secret
        return try Self.json(view, status: .created)
    }

    func revokeDeployToken(_ id: Int64) async throws -> Response {
        guard try await admin.store.revokeDeployToken(id: id) else { throw IdentityError.notFound("no active deploy token \(id)") }
        return Response(status: .noContent)
    }

    static func view(_ token: PersonalAccessToken) -> TokenView {
        TokenView(
            id: token.id, name: token.name, username: nil, scopes: token.scopes.map(\.rawValue),
            expiresAt: token.expiresAt.map { Date(timeIntervalSince1970: $0).formatted(.iso8601) }, revoked: token.revoked
        )
    }

    static func view(_ token: DeployToken) -> TokenView {
        TokenView(
            id: token.id, name: token.name, username: token.username, scopes: token.scopes.map(\.rawValue),
            expiresAt: token.expiresAt.map { Date(timeIntervalSince1970: $0).formatted(.iso8601) }, revoked: token.revoked
        )
    }
}
