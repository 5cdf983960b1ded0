import Identity
import Testing

@Suite(.timeLimit(.minutes(3))) struct AccessPolicyTests {
    static let all = ["pull", "push", "delete", "*"]
    static let alice = User(id: 1, username: "alice", passwordHash: "", isAdmin: false, isBlocked: false, createdAt: 0)

    func allowed(_ principal: Principal, role: Role?, visibility: Visibility = .private, covers: Bool = false) -> [String] {
        AccessPolicy.allowedActions(principal, requested: Self.all, role: role, visibility: visibility, deployTokenCovers: covers)
    }

    @Test func rolesMapToActionsAsInGitLab() {
        let password = Principal.user(Self.alice, scopes: nil)
        #expect(allowed(password, role: nil) == [])
        #expect(allowed(password, role: .guest) == [])
        #expect(allowed(password, role: .reporter) == ["pull"])
        #expect(allowed(password, role: .developer) == ["pull", "push"])
        #expect(allowed(password, role: .maintainer) == Self.all)
        #expect(allowed(password, role: .owner) == Self.all)
    }

    @Test func visibilityOpensPulls() {
        #expect(allowed(.anonymous, role: nil, visibility: .public) == ["pull"])
        #expect(allowed(.anonymous, role: nil, visibility: .internal) == [])
        #expect(allowed(.anonymous, role: nil, visibility: .private) == [])
        #expect(allowed(.user(Self.alice, scopes: nil), role: nil, visibility: .internal) == ["pull"])
        #expect(allowed(.user(Self.alice, scopes: nil), role: .guest, visibility: .public) == ["pull"])
    }

    @Test func tokenScopesNarrowTheRole() {
        #expect(allowed(.user(Self.alice, scopes: [.readRegistry]), role: .owner) == ["pull"])
        #expect(allowed(.user(Self.alice, scopes: [.readRegistry, .writeRegistry]), role: .developer) == ["pull", "push"])
        #expect(allowed(.user(Self.alice, scopes: [.writeRegistry]), role: .reporter) == [])
        #expect(allowed(.user(Self.alice, scopes: [.api]), role: .maintainer) == Self.all)
    }

    @Test func blockedUsersGetNothingAndAdminsEverything() {
        var blocked = Self.alice
        blocked.isBlocked = true
        #expect(allowed(.user(blocked, scopes: nil), role: .owner, visibility: .public) == [])
        var admin = Self.alice
        admin.isAdmin = true
        #expect(allowed(.user(admin, scopes: nil), role: nil) == Self.all)
        #expect(AccessPolicy.mayListCatalog(.user(admin, scopes: nil)))
        #expect(AccessPolicy.mayListCatalog(.user(admin, scopes: [.api])))
        #expect(!AccessPolicy.mayListCatalog(.user(admin, scopes: [.readRegistry])))
        #expect(!AccessPolicy.mayListCatalog(.user(Self.alice, scopes: nil)))
        #expect(!AccessPolicy.mayListCatalog(.anonymous))
    }

    @Test func deployTokensPullAndPushOnlyWhereTheyBelong() {
        let token = DeployToken(
            id: 1, name: "d", username: "gitlab+deploy-token-1", tokenDigest: "", owner: .project(1),
            scopes: [.readRegistry, .writeRegistry], expiresAt: nil, revoked: false, createdAt: 0
        )
        #expect(allowed(.deployToken(token), role: nil, covers: true) == ["pull", "push"])
        #expect(allowed(.deployToken(token), role: nil, covers: false) == [])
        var readOnly = token
        readOnly.scopes = [.readRegistry]
        #expect(allowed(.deployToken(readOnly), role: nil, covers: true) == ["pull"])
    }

    @Test func rolesAreInheritedDownGroups() {
        let root = Namespace(id: 10, kind: .group, path: "group", parentID: nil, ownerID: nil)
        let sub = Namespace(id: 11, kind: .group, path: "group/sub", parentID: 10, ownerID: nil)
        let project = Project(id: 20, namespaceID: 11, path: "group/sub/app", visibility: .private)
        let memberships = [
            Membership(userID: 1, source: .namespace(10), role: .developer),
            Membership(userID: 1, source: .project(20), role: .reporter),
            Membership(userID: 2, source: .namespace(99), role: .owner),
        ]
        #expect(AccessPolicy.effectiveRole(userID: 1, project: project, ancestors: [sub, root], memberships: memberships) == .developer)
        #expect(AccessPolicy.effectiveRole(userID: 2, project: project, ancestors: [sub, root], memberships: memberships) == nil)
        let personal = Namespace(id: 30, kind: .user, path: "alice", parentID: nil, ownerID: 1)
        let own = Project(id: 31, namespaceID: 30, path: "alice/tools", visibility: .private)
        #expect(AccessPolicy.effectiveRole(userID: 1, project: own, ancestors: [personal], memberships: []) == .owner)
    }
}
