import Auth
import Foundation
import OCI

/// Decides the `access` claim of a token: for each requested scope, the actions the principal
/// may have on the project the repository belongs to. Actions not allowed are dropped
/// silently; a scope left with none is omitted (the registry then refuses the request).
public struct ScopeGrantor: Sendable {
    let store: any IdentityStore

    public init(store: any IdentityStore) {
        self.store = store
    }

    public func grant(_ scopes: [ResourceScope], to principal: Principal) async throws -> [TokenClaims.Access] {
        var granted: [TokenClaims.Access] = []
        for scope in scopes {
            if scope.type == "registry", scope.name == "catalog" {
                if scope.actions.contains("*"), AccessPolicy.mayListCatalog(principal) {
                    granted.append(.init(type: "registry", name: "catalog", actions: ["*"]))
                }
                continue
            }
            // `<path>/*`: the repositories below a path of a project (GitLab's nested
            // repositories, for `/gitlab/v1`), pull only; administrators may also push below
            // any path (GitLab's namespace moves ask for `<namespace>/*:push`).
            let nested = scope.name.hasSuffix("/*")
            let path = nested ? String(scope.name.dropLast(2)) : scope.name
            if nested, AccessPolicy.mayListCatalog(principal), (try? RepositoryName(path)) != nil, scope.type == "repository" {
                // Below any path, a namespace's included (a move's target): administrators only,
                // signed in with a password or a token with `api`, as for the catalog.
                let actions = AccessPolicy.allowedActions(
                    principal, requested: Self.unique(scope.actions).filter { $0 == "pull" || $0 == "push" }, role: nil,
                    visibility: .private, deployTokenCovers: false
                )
                if !actions.isEmpty { granted.append(.init(type: "repository", name: scope.name, actions: actions)) }
                continue
            }
            guard scope.type == "repository", (try? RepositoryName(path)) != nil, let project = try await project(for: path) else { continue }
            let ancestors = try await namespaces(above: project)
            let role = try await role(of: principal, on: project, ancestors: ancestors)
            let covers = deployTokenCovers(principal, project: project, ancestors: ancestors)
            let requested = nested ? Self.unique(scope.actions).filter { $0 == "pull" } : Self.unique(scope.actions)
            let actions = AccessPolicy.allowedActions(
                principal, requested: requested, role: role, visibility: project.visibility, deployTokenCovers: covers
            )
            guard !actions.isEmpty else { continue }
            var meta = TokenClaims.Meta(projectPath: project.path, projectID: project.id, rootNamespaceID: ancestors.last?.id)
            if actions.contains(where: { $0 == "push" || $0 == "delete" || $0 == "*" }) {
                try await addTagRules(to: &meta, project: project, principal: principal, role: role)
            }
            granted.append(.init(type: "repository", name: scope.name, actions: actions, meta: meta))
        }
        return granted
    }

    /// Whether the subject of a token this issuer signed may pull `repository` now: for
    /// decisions the token's own scopes do not cover (the source of an automatic mount). The
    /// subject is looked up again, so a user blocked or a token revoked since is refused.
    public func mayPull(_ repository: String, subject: String?, now: Double = Date().timeIntervalSince1970) async throws -> Bool {
        guard let principal = try await principal(subject: subject, now: now) else { return false }
        let granted = try await grant([ResourceScope(type: "repository", name: repository, actions: ["pull"])], to: principal)
        return !granted.isEmpty
    }

    /// Whether the subject of a token this issuer signed is an administrator now (looked up
    /// again: one demoted or blocked since is not).
    public func isAdministrator(subject: String?) async throws -> Bool {
        guard let subject, let user = try await store.user(named: subject) else { return false }
        return user.isAdmin && !user.isBlocked
    }

    /// The principal a token's `sub` names: a user (as by password: pulls need no more than
    /// the role, and a token without `read_registry` cannot pull what it mounted anyway), a
    /// usable deploy token, or anonymous for no subject.
    private func principal(subject: String?, now: Double) async throws -> Principal? {
        guard let subject else { return .anonymous }
        if let user = try await store.user(named: subject) { return user.isBlocked ? nil : .user(user, scopes: nil) }
        if let token = try await store.deployToken(username: subject), token.isUsable(at: now) { return .deployToken(token) }
        return nil
    }

    /// Whether a project holds `repository` (its path, or below it by up to two components).
    public func hasProject(for repository: String) async throws -> Bool {
        try await project(for: repository) != nil
    }

    /// A repository is named by its project's path plus at most two more components.
    func project(for repository: String) async throws -> Project? {
        var candidate = repository
        for _ in 0...2 {
            if let project = try await store.project(path: candidate) { return project }
            guard let slash = candidate.lastIndex(of: "/") else { return nil }
            candidate = String(candidate[..<slash])
        }
        return nil
    }

    /// The project's namespace and every namespace above it, nearest first.
    func namespaces(above project: Project) async throws -> [Namespace] {
        var chain: [Namespace] = []
        var next: Int64? = project.namespaceID
        while let id = next, let namespace = try await store.namespace(id: id), chain.count < 32 {
            chain.append(namespace)
            next = namespace.parentID
        }
        return chain
    }

    /// GitLab's claims for protected and immutable tags, when the project has rules: the
    /// patterns of protected tags whose level is above the principal's (none for an
    /// administrator; every one for a deploy token, which has no level), and every immutable
    /// pattern.
    private func addTagRules(to meta: inout TokenClaims.Meta, project: Project, principal: Principal, role: Role?) async throws {
        let rules = try await store.tagProtectionRules(projectID: project.id)
        guard !rules.isEmpty else { return }
        let level: Int
        switch principal {
        case .user(let user, _) where user.isAdmin: level = ProtectionLevel.admin.rawValue
        case .user: level = role?.rawValue ?? 0
        case .deployToken, .anonymous: level = 0
        }
        let protected = rules.filter { !$0.isImmutable }
        meta.tagDenyAccessPatterns = TokenClaims.TagDenyPatterns(
            push: protected.filter { ($0.minimumPushLevel?.rawValue ?? 0) > level }.map(\.pattern),
            delete: protected.filter { ($0.minimumDeleteLevel?.rawValue ?? 0) > level }.map(\.pattern)
        )
        let immutable = rules.filter(\.isImmutable).map(\.pattern)
        if !immutable.isEmpty { meta.tagImmutablePatterns = immutable }
    }

    private func role(of principal: Principal, on project: Project, ancestors: [Namespace]) async throws -> Role? {
        guard case .user(let user, _) = principal else { return nil }
        let memberships = try await store.memberships(userID: user.id)
        return AccessPolicy.effectiveRole(userID: user.id, project: project, ancestors: ancestors, memberships: memberships)
    }

    private func deployTokenCovers(_ principal: Principal, project: Project, ancestors: [Namespace]) -> Bool {
        guard case .deployToken(let token) = principal else { return false }
        switch token.owner {
        case .project(let id): return id == project.id
        case .namespace(let id): return ancestors.contains { $0.id == id }
        }
    }

    private static func unique(_ actions: [String]) -> [String] {
        var seen = Set<String>()
        return actions.filter { seen.insert($0).inserted }
    }
}
