import Identity

extension IdentityConformance {
    static let namespaceCases: [Case] = [
        Case(name: "groups nest under existing parents") { store in
            let group = try await store.createGroup(path: "group")
            let sub = try await store.createGroup(path: "group/sub")
            try require(sub.parentID == group.id && sub.kind == .group, "subgroup \(sub)")
            try require(try await store.namespace(id: sub.id) == sub, "lookup by id")
            try await requireRefusal("orphan subgroup", \.isNotFound) { _ = try await store.createGroup(path: "none/sub") }
            try await requireRefusal("duplicate group", \.isConflict) { _ = try await store.createGroup(path: "group") }
            try await requireRefusal("invalid group", \.isInvalid) { _ = try await store.createGroup(path: "Group") }
        },
        Case(name: "projects live under groups and personal namespaces") { store in
            _ = try await store.createGroup(path: "group")
            _ = try await store.createGroup(path: "group/sub")
            _ = try await store.createUser(username: "alice", passwordHash: "h", isAdmin: false, now: 1)
            let app = try await store.createProject(path: "group/sub/app", visibility: .private)
            let own = try await store.createProject(path: "alice/tools", visibility: .public)
            try require(try await store.project(path: "group/sub/app") == app, "group project")
            try require(try await store.namespace(id: own.namespaceID)?.path == "alice", "personal project namespace")
            try require(try await store.projects().map(\.path) == ["alice/tools", "group/sub/app"], "project list")
            var changed = app
            changed.visibility = .internal
            try await store.updateProject(changed)
            try require(try await store.project(path: "group/sub/app")?.visibility == .internal, "visibility update")
        },
        Case(name: "project paths are checked") { store in
            _ = try await store.createGroup(path: "group")
            _ = try await store.createProject(path: "group/app", visibility: .private)
            try await requireRefusal("duplicate project", \.isConflict) { _ = try await store.createProject(path: "group/app", visibility: .private) }
            _ = try await store.createGroup(path: "group/sub")
            try await requireRefusal("project over a group path", \.isConflict) { _ = try await store.createProject(path: "group/sub", visibility: .private) }
            try await requireRefusal("group over a project path", \.isConflict) { _ = try await store.createGroup(path: "group/app") }
            try await requireRefusal("project without namespace", \.isNotFound) { _ = try await store.createProject(path: "none/app", visibility: .private) }
            try await requireRefusal("top-level project", \.isInvalid) { _ = try await store.createProject(path: "app", visibility: .private) }
        },
    ]
}
