import Identity

extension IdentityConformance {
    static let tagRuleCases: [Case] = [
        Case(name: "tag protection rules are added per project, at most five, listed and removed") { store in
            let group = try await store.createGroup(path: "group")
            let app = try await store.createProject(path: "group/app", visibility: .private)
            let other = try await store.createProject(path: "group/other", visibility: .private)
            _ = group
            let protected = try await store.createTagProtectionRule(
                projectID: app.id, pattern: "^v", minimumPushLevel: .maintainer, minimumDeleteLevel: .owner
            )
            let immutable = try await store.createTagProtectionRule(projectID: app.id, pattern: "^release-", minimumPushLevel: nil, minimumDeleteLevel: nil)
            try require(immutable.isImmutable && !protected.isImmutable, "kinds")
            try require(try await store.tagProtectionRules(projectID: app.id) == [protected, immutable], "rules listed")
            try require(try await store.tagPatterns(repository: "group/app") == ["^v", "^release-"], "patterns of the project's repository")
            try require(try await store.tagPatterns(repository: "group/app/web/x") == ["^v", "^release-"], "patterns below the project")
            try require(try await store.tagPatterns(repository: "group/none").isEmpty, "patterns of no project")
            try require(try await store.tagPatterns(repository: "group").isEmpty, "patterns of a group")
            try await requireRefusal("duplicate pattern", \.isConflict) {
                _ = try await store.createTagProtectionRule(projectID: app.id, pattern: "^v", minimumPushLevel: nil, minimumDeleteLevel: nil)
            }
            for number in 0..<3 {
                _ = try await store.createTagProtectionRule(projectID: app.id, pattern: "p\(number)", minimumPushLevel: nil, minimumDeleteLevel: nil)
            }
            try await requireRefusal("a sixth rule", \.isConflict) {
                _ = try await store.createTagProtectionRule(projectID: app.id, pattern: "p9", minimumPushLevel: nil, minimumDeleteLevel: nil)
            }
            try await requireRefusal("unknown project", \.isNotFound) {
                _ = try await store.createTagProtectionRule(projectID: 999, pattern: "x", minimumPushLevel: nil, minimumDeleteLevel: nil)
            }
            try require(!(try await store.deleteTagProtectionRule(id: protected.id, projectID: other.id)), "removed through another project")
            try require(try await store.deleteTagProtectionRule(id: protected.id, projectID: app.id), "not removed")
            try require(try await store.tagProtectionRules(projectID: app.id).count == 4, "rules after removal")
            try require(try await store.tagProtectionRules(projectID: other.id).isEmpty, "another project's rules")
        },
    ]
}
