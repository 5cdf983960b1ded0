import Identity

extension IdentityConformance {
    static let userCases: [Case] = [
        Case(name: "users are created, found and updated") { store in
            let alice = try await store.createUser(username: "alice", passwordHash: "h1", isAdmin: false, now: 10)
            try require(try await store.user(named: "alice") == alice, "lookup by name")
            try require(try await store.user(id: alice.id) == alice, "lookup by id")
            try require(try await store.user(named: "bob") == nil, "unknown user found")
            var changed = alice
            changed.isBlocked = true
            changed.isAdmin = true
            changed.passwordHash = "h2"
            try await store.updateUser(changed)
            try require(try await store.user(id: alice.id) == changed, "update lost")
            try require(try await store.users().map(\.username) == ["alice"], "user list")
        },
        Case(name: "a user gets a personal namespace of the same path") { store in
            let alice = try await store.createUser(username: "alice", passwordHash: "h", isAdmin: false, now: 1)
            let namespace = try await store.namespace(path: "alice")
            try require(namespace?.kind == .user && namespace?.ownerID == alice.id, "personal namespace \(String(describing: namespace))")
        },
        Case(name: "usernames are unique and valid") { store in
            _ = try await store.createUser(username: "alice", passwordHash: "h", isAdmin: false, now: 1)
            try await requireRefusal("duplicate user", \.isConflict) {
                _ = try await store.createUser(username: "alice", passwordHash: "h", isAdmin: false, now: 1)
            }
            for bad in ["Alice", "a/b", "", "-x", "a b"] {
                try await requireRefusal("username \(bad)", \.isInvalid) {
                    _ = try await store.createUser(username: bad, passwordHash: "h", isAdmin: false, now: 1)
                }
            }
        },
    ]
}
