import Identity

extension IdentityConformance {
    static let tokenCases: [Case] = [
        Case(name: "personal access tokens are found by digest and revoked") { store in
            let alice = try await store.createUser(username: "alice", passwordHash: "h", isAdmin: false, now: 1)
            let token = try await store.createPersonalAccessToken(
                userID: alice.id, name: "ci", tokenDigest: "d1", scopes: [.readRegistry, .writeRegistry], expiresAt: 500, now: 2
            )
            try require(try await store.personalAccessToken(digest: "d1") == token, "lookup by digest")
            try require(try await store.personalAccessToken(digest: "d2") == nil, "unknown digest found")
            try require(try await store.personalAccessTokens(userID: alice.id) == [token], "list by user")
            try require(try await store.revokePersonalAccessToken(id: token.id), "revoke reported nothing")
            try require(!(try await store.revokePersonalAccessToken(id: token.id)), "second revoke reported one")
            try require(try await store.personalAccessToken(digest: "d1")?.revoked == true, "revocation lost")
            try require(try await store.personalAccessToken(digest: "d1")?.isUsable(at: 3) == false, "revoked token usable")
            try await requireRefusal("token of no user", \.isNotFound) {
                _ = try await store.createPersonalAccessToken(userID: 999, name: "x", tokenDigest: "d3", scopes: [.api], expiresAt: nil, now: 1)
            }
        },
        Case(name: "deploy tokens are named gitlab+deploy-token-<id>") { store in
            let group = try await store.createGroup(path: "group")
            let project = try await store.createProject(path: "group/app", visibility: .private)
            let forProject = try await store.createDeployToken(
                name: "deploy", owner: .project(project.id), tokenDigest: "dp", scopes: [.readRegistry], expiresAt: nil, now: 1
            )
            let forGroup = try await store.createDeployToken(
                name: "group deploy", owner: .namespace(group.id), tokenDigest: "dg", scopes: [.readRegistry, .writeRegistry],
                expiresAt: 100, now: 1
            )
            try require(forProject.username == "gitlab+deploy-token-\(forProject.id)", "username \(forProject.username)")
            try require(try await store.deployToken(username: forGroup.username) == forGroup, "lookup by username")
            try require(try await store.deployTokens().count == 2, "list")
            try require(forGroup.isUsable(at: 50) && !forGroup.isUsable(at: 150), "expiry")
            try require(try await store.revokeDeployToken(id: forProject.id), "revoke")
            try require(try await store.deployToken(username: forProject.username)?.revoked == true, "revocation lost")
            try await requireRefusal("token of no project", \.isNotFound) {
                _ = try await store.createDeployToken(name: "x", owner: .project(999), tokenDigest: "x", scopes: [.readRegistry], expiresAt: nil, now: 1)
            }
        },
    ]
}
