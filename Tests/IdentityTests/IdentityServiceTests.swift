import Auth
import Foundation
import Identity
import Testing

/// Authenticator and ScopeGrantor over an in-memory store with a small organisation.
@Suite(.timeLimit(.minutes(3))) struct IdentityServiceTests {
    struct World {
        let store = InMemoryIdentityStore()
        let passwords = PasswordHasher(cost: 4)
        var authenticator: Authenticator { Authenticator(store: store, passwords: passwords) }
        var grantor: ScopeGrantor { ScopeGrantor(store: store) }
        var pat = ""
        var readOnlyDeployToken = ("", "")

        static func make() async throws -> World {
            var world = World()
            let store = world.store
            let dev = try await store.createUser(username: "dev", passwordHash: try await world.passwords.hash("dev-password"), isAdmin: false, now: 0)
            let reporter = try await store.createUser(username: "reporter", passwordHash: try await world.passwords.hash("r-password"), isAdmin: false, now: 0)
            _ = try await store.createUser(username: "root", passwordHash: try await world.passwords.hash("root-password"), isAdmin: true, now: 0)
            let group = try await store.createGroup(path: "group")
            let project = try await store.createProject(path: "group/app", visibility: .private)
            _ = try await store.createProject(path: "group/public", visibility: .public)
            try await store.setMembership(Membership(userID: dev.id, source: .namespace(group.id), role: .developer))
            try await store.setMembership(Membership(userID: reporter.id, source: .project(project.id), role: .reporter))
            world.pat = SecretGenerator.make(prefix: "glpat-")
            _ = try await store.createPersonalAccessToken(
                userID: dev.id, name: "ci", tokenDigest: SecretGenerator.digest(world.pat), scopes: [.readRegistry], expiresAt: nil, now: 0
            )
            let secret = SecretGenerator.make(prefix: "gldt-")
            let token = try await store.createDeployToken(
                name: "read", owner: .project(project.id), tokenDigest: SecretGenerator.digest(secret), scopes: [.readRegistry],
                expiresAt: 1000, now: 0
            )
            world.readOnlyDeployToken = (token.username, secret)
            return world
        }

        func grant(_ principal: Principal, _ scopes: String...) async throws -> [String] {
            try await grantor.grant(ResourceScope.parseAll(scopes), to: principal).map { "\($0.name):\($0.actions.joined(separator: ","))" }
        }
    }

    @Test func passwordsTokensAndDeployTokensAuthenticate() async throws {
        let world = try await World.make()
        let auth = world.authenticator
        guard case .user(let dev, nil) = try await auth.authenticate(username: "dev", secret: "dev-password", now: 1) else {
            Issue.record("password login failed")
            return
        }
        #expect(dev.username == "dev")
        #expect(try await auth.authenticate(username: "dev", secret: "wrong", now: 1) == nil)
        guard case .user(_, let scopes?) = try await auth.authenticate(username: "dev", secret: world.pat, now: 1) else {
            Issue.record("PAT login failed")
            return
        }
        #expect(scopes == [.readRegistry])
        #expect(try await auth.authenticate(username: "reporter", secret: world.pat, now: 1) == nil, "a PAT is its owner's only")
        let (username, secret) = world.readOnlyDeployToken
        guard case .deployToken = try await auth.authenticate(username: username, secret: secret, now: 1) else {
            Issue.record("deploy token login failed")
            return
        }
        #expect(try await auth.authenticate(username: username, secret: secret, now: 2000) == nil, "expired deploy token")
        #expect(try await auth.authenticate(username: "nobody", secret: "x", now: 1) == nil)
    }

    @Test func blockedUsersAndRevokedTokensAreRefused() async throws {
        let world = try await World.make()
        var dev = try #require(try await world.store.user(named: "dev"))
        let token = try #require(try await world.store.personalAccessToken(digest: SecretGenerator.digest(world.pat)))
        #expect(try await world.store.revokePersonalAccessToken(id: token.id))
        #expect(try await world.authenticator.authenticate(username: "dev", secret: world.pat, now: 1) == nil)
        dev.isBlocked = true
        try await world.store.updateUser(dev)
        #expect(try await world.authenticator.authenticate(username: "dev", secret: "dev-password", now: 1) == nil)
    }

    @Test func grantsFollowRolesAndDropTheRest() async throws {
        let world = try await World.make()
        let dev = Principal.user(try #require(try await world.store.user(named: "dev")), scopes: nil)
        let reporter = Principal.user(try #require(try await world.store.user(named: "reporter")), scopes: nil)
        let root = Principal.user(try #require(try await world.store.user(named: "root")), scopes: nil)
        #expect(try await world.grant(dev, "repository:group/app:pull,push") == ["group/app:pull,push"])
        #expect(try await world.grant(dev, "repository:group/app/image/sub:pull,push,delete") == ["group/app/image/sub:pull,push"])
        #expect(try await world.grant(dev, "repository:group/app/a/b/c:pull") == [], "at most two components past the project")
        #expect(try await world.grant(reporter, "repository:group/app:pull,push") == ["group/app:pull"])
        #expect(try await world.grant(reporter, "repository:group/other:pull") == [])
        #expect(try await world.grant(.anonymous, "repository:group/app:pull", "repository:group/public:pull,push") == ["group/public:pull"])
        #expect(try await world.grant(dev, "registry:catalog:*") == [])
        #expect(try await world.grant(root, "registry:catalog:*", "repository:group/app:*") == ["catalog:*", "group/app:*"])
        #expect(try await world.grant(dev, "repository:Group/App:pull", "repository:group/..:pull") == [], "invalid names get nothing")
    }

    @Test func grantsCarryGitLabsMeta() async throws {
        let world = try await World.make()
        let dev = Principal.user(try #require(try await world.store.user(named: "dev")), scopes: nil)
        let access = try await world.grantor.grant(ResourceScope.parseAll(["repository:group/app/image:pull"]), to: dev)
        let project = try #require(try await world.store.project(path: "group/app"))
        let group = try #require(try await world.store.namespace(path: "group"))
        #expect(access.first?.meta == TokenClaims.Meta(projectPath: "group/app", projectID: project.id, rootNamespaceID: group.id))
    }

    /// GitLab's token claims for protected and immutable tags: the patterns above the holder's
    /// level, none for an administrator, all for a deploy token; only with push or delete.
    @Test func grantsCarryTheTagPatternsTheHolderIsDenied() async throws {
        let world = try await World.make()
        let project = try #require(try await world.store.project(path: "group/app"))
        _ = try await world.store.createTagProtectionRule(projectID: project.id, pattern: "^v", minimumPushLevel: .maintainer, minimumDeleteLevel: .maintainer)
        _ = try await world.store.createTagProtectionRule(projectID: project.id, pattern: "-stable$", minimumPushLevel: .owner, minimumDeleteLevel: .admin)
        _ = try await world.store.createTagProtectionRule(projectID: project.id, pattern: "^release-", minimumPushLevel: nil, minimumDeleteLevel: nil)
        let dev = try #require(try await world.store.user(named: "dev"))
        let scopes = ResourceScope.parseAll(["repository:group/app:pull,push,delete"])
        let devMeta = try await world.grantor.grant(scopes, to: .user(dev, scopes: nil)).first?.meta
        #expect(devMeta?.tagDenyAccessPatterns == TokenClaims.TagDenyPatterns(push: ["^v", "-stable$"], delete: ["^v", "-stable$"]))
        #expect(devMeta?.tagImmutablePatterns == ["^release-"])
        try await world.store.setMembership(Membership(userID: dev.id, source: .project(project.id), role: .owner))
        let ownerMeta = try await world.grantor.grant(scopes, to: .user(dev, scopes: nil)).first?.meta
        #expect(ownerMeta?.tagDenyAccessPatterns == TokenClaims.TagDenyPatterns(push: [], delete: ["-stable$"]))
        let root = try #require(try await world.store.user(named: "root"))
        let rootMeta = try await world.grantor.grant(scopes, to: .user(root, scopes: nil)).first?.meta
        #expect(rootMeta?.tagDenyAccessPatterns == TokenClaims.TagDenyPatterns(push: [], delete: []))
        #expect(rootMeta?.tagImmutablePatterns == ["^release-"], "immutable for administrators too")
        let pullOnly = try await world.grantor.grant(ResourceScope.parseAll(["repository:group/app:pull"]), to: .user(dev, scopes: nil))
        #expect(pullOnly.first?.meta?.tagDenyAccessPatterns == nil && pullOnly.first?.meta?.tagImmutablePatterns == nil)
        let token = try await world.store.createDeployToken(
            name: "ci", owner: .project(project.id), tokenDigest: "d", scopes: [.readRegistry, .writeRegistry], expiresAt: nil, now: 0
        )
        let deployMeta = try await world.grantor.grant(scopes, to: .deployToken(token)).first?.meta
        #expect(deployMeta?.tagDenyAccessPatterns == TokenClaims.TagDenyPatterns(push: ["^v", "-stable$"], delete: ["^v", "-stable$"]))
    }

    /// GitLab's nested scope `repository:<path>/*:pull` (sizes of descendants in `/gitlab/v1`):
    /// granted as pull on the project the path belongs to, never more, but to administrators.
    @Test func nestedRepositoryScopesArePullOnly() async throws {
        let world = try await World.make()
        let dev = Principal.user(try #require(try await world.store.user(named: "dev")), scopes: nil)
        #expect(try await world.grant(dev, "repository:group/app/*:pull,push") == ["group/app/*:pull"])
        let reporter = Principal.user(try #require(try await world.store.user(named: "reporter")), scopes: nil)
        #expect(try await world.grant(reporter, "repository:group/app/sub/*:pull") == ["group/app/sub/*:pull"])
        #expect(try await world.grant(.anonymous, "repository:group/app/*:pull").isEmpty, "a private project's descendants")
        #expect(try await world.grant(dev, "repository:group/none/*:pull").isEmpty)
        // Administrators signed in with a password or an `api` token may push below any path:
        // GitLab's namespace moves ask for `<namespace>/*:push`.
        let root = Principal.user(try #require(try await world.store.user(named: "root")), scopes: nil)
        #expect(try await world.grant(root, "repository:elsewhere/*:pull,push,delete") == ["elsewhere/*:pull,push"])
        let apiRoot = Principal.user(try #require(try await world.store.user(named: "root")), scopes: [.api])
        #expect(try await world.grant(apiRoot, "repository:elsewhere/*:pull,push") == ["elsewhere/*:pull,push"])
        let registryRoot = Principal.user(try #require(try await world.store.user(named: "root")), scopes: [.readRegistry, .writeRegistry])
        #expect(try await world.grant(registryRoot, "repository:elsewhere/*:pull,push").isEmpty, "as for the catalog, a token needs api")
        let rootAdministers = try await world.grantor.isAdministrator(subject: "root")
        let devAdministers = try await world.grantor.isAdministrator(subject: "dev")
        #expect(rootAdministers && !devAdministers)
    }

    @Test func deployTokensAreLimitedToTheirProject() async throws {
        let world = try await World.make()
        let (username, secret) = world.readOnlyDeployToken
        let principal = try #require(try await world.authenticator.authenticate(username: username, secret: secret, now: 1))
        #expect(try await world.grant(principal, "repository:group/app:pull,push") == ["group/app:pull"])
        #expect(try await world.grant(principal, "repository:group/public:pull") == ["group/public:pull"], "public pulls are anyone's")
    }

    @Test func failedLoginsAreLimitedPerAddressAndPerUserFromIt() {
        let limiter = LoginRateLimiter(maxFailuresPerUser: 3, maxFailuresPerAddress: 5, window: 60)
        for second in 0..<3 {
            #expect(limiter.retryAfter(username: "dev", address: "10.0.0.1", now: Double(second)) == nil)
            limiter.recordFailure(username: "dev", address: "10.0.0.1", now: Double(second))
        }
        #expect(limiter.retryAfter(username: "dev", address: "10.0.0.1", now: 3) == 57)
        #expect(limiter.retryAfter(username: "dev", address: "10.0.0.2", now: 3) == nil, "never per username alone")
        #expect(limiter.retryAfter(username: "other", address: "10.0.0.1", now: 3) == nil, "the address has failures left")
        limiter.recordFailure(username: "a", address: "10.0.0.1", now: 10)
        limiter.recordFailure(username: "b", address: "10.0.0.1", now: 11)
        #expect(limiter.retryAfter(username: "other", address: "10.0.0.1", now: 12) == 48, "spraying names bans the address")
        #expect(limiter.retryAfter(username: "other", address: "10.0.0.2", now: 12) == nil)
        #expect(limiter.retryAfter(username: "dev", address: "10.0.0.1", now: 61) == nil, "the window moved on")
    }

    /// A failed login costs one bcrypt whatever failed — an unknown name, a blocked user, a
    /// wrong or foreign token — so timing does not tell them apart. Counted, not timed.
    @Test func everyRefusalCostsOneBcrypt() async throws {
        let world = try await World.make()
        let blocked = try await world.store.createUser(username: "gone", passwordHash: try await world.passwords.hash("gone-pw"), isAdmin: false, now: 0)
        var user = blocked
        user.isBlocked = true
        try await world.store.updateUser(user)
        let (deployUser, deploySecret) = world.readOnlyDeployToken
        let refusals = [
            ("nobody", "x"), ("gone", "gone-pw"), ("dev", "wrong"), ("reporter", world.pat), ("gitlab+deploy-token-999", "x"),
            (deployUser, "wrong"), (deployUser, deploySecret + "x"),
        ]
        for (username, secret) in refusals {
            let before = world.passwords.bcryptChecks
            #expect(try await world.authenticator.authenticate(username: username, secret: secret, now: 1) == nil, "\(username)")
            #expect(world.passwords.bcryptChecks == before + 1, "\(username) was refused after \(world.passwords.bcryptChecks - before) bcrypt checks")
        }
    }
}
