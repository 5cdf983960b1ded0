import Identity

extension IdentityConformance {
    static let membershipCases: [Case] = [
        Case(name: "memberships are set, changed and removed") { store in
            let alice = try await store.createUser(username: "alice", passwordHash: "h", isAdmin: false, now: 1)
            let group = try await store.createGroup(path: "group")
            let project = try await store.createProject(path: "group/app", visibility: .private)
            try await store.setMembership(Membership(userID: alice.id, source: .namespace(group.id), role: .reporter))
            try await store.setMembership(Membership(userID: alice.id, source: .project(project.id), role: .developer))
            try await store.setMembership(Membership(userID: alice.id, source: .namespace(group.id), role: .maintainer))
            let memberships = try await store.memberships(userID: alice.id)
            try require(memberships.count == 2, "memberships \(memberships)")
            try require(memberships.contains(Membership(userID: alice.id, source: .namespace(group.id), role: .maintainer)), "role change lost")
            try require(try await store.removeMembership(userID: alice.id, source: .project(project.id)), "remove reported nothing")
            try require(!(try await store.removeMembership(userID: alice.id, source: .project(project.id))), "second remove reported one")
            try require(try await store.memberships(userID: alice.id).count == 1, "removed membership remained")
        },
        Case(name: "a membership needs its user and its source") { store in
            let alice = try await store.createUser(username: "alice", passwordHash: "h", isAdmin: false, now: 1)
            try await requireRefusal("unknown project", \.isNotFound) {
                try await store.setMembership(Membership(userID: alice.id, source: .project(999), role: .owner))
            }
            try await requireRefusal("unknown user", \.isNotFound) {
                try await store.setMembership(Membership(userID: 999, source: .namespace(1), role: .owner))
            }
        },
    ]
}
