import OCI

/// Protected and immutable container tags, per project (GitLab's protection tag rules).
extension IdentityAdmin {
    /// Adds a rule: with both levels, tags its pattern matches are protected (pushing over
    /// them and deleting them need those levels); with neither, they are immutable.
    public func addTagProtectionRule(
        project path: String, pattern: String, minimumPushLevel: ProtectionLevel?, minimumDeleteLevel: ProtectionLevel?
    ) async throws -> TagProtectionRule {
        let project = try await requireProject(path)
        guard (minimumPushLevel == nil) == (minimumDeleteLevel == nil) else {
            throw IdentityError.invalidInput("give both minimum levels (a protected tag) or neither (an immutable tag)")
        }
        guard !pattern.isEmpty, pattern.count <= TagProtectionRule.maxPatternLength else {
            throw IdentityError.invalidInput("a tag pattern has 1 to \(TagProtectionRule.maxPatternLength) characters")
        }
        do {
            _ = try TagPattern(pattern, wholeName: false)
        } catch {
            throw IdentityError.invalidInput("\(error)")
        }
        return try await store.createTagProtectionRule(
            projectID: project.id, pattern: pattern, minimumPushLevel: minimumPushLevel, minimumDeleteLevel: minimumDeleteLevel
        )
    }

    public func tagProtectionRules(project path: String) async throws -> [TagProtectionRule] {
        try await store.tagProtectionRules(projectID: try await requireProject(path).id)
    }

    public func removeTagProtectionRule(project path: String, id: Int64) async throws {
        guard try await store.deleteTagProtectionRule(id: id, projectID: try await requireProject(path).id) else {
            throw IdentityError.notFound("project \(path) has no tag protection rule \(id)")
        }
    }

    func requireProject(_ path: String) async throws -> Project {
        guard let project = try await store.project(path: path) else { throw IdentityError.notFound("no project \(path)") }
        return project
    }
}
