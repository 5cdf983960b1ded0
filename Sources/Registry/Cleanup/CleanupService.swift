import Logging
import Metadata
import OCI

/// Cleanup policies: stored per project, run over every repository at or below the project's
/// path, by the scheduler in `wharf serve` or by `wharf cleanup-policy run`. A run deletes tags
/// only; the manifests and blobs they leave unreferenced go through garbage collection, so a
/// manifest another tag or an index still points at stays.
public struct CleanupService: Sendable {
    let metadata: any MetadataStore
    let logger: Logger
    /// The patterns of the protected and immutable tags of the project a repository belongs to
    /// (the identity's rules), which a run, acting for nobody, leaves alone as GitLab's does;
    /// asked per repository, so a policy set on a group or a sub-path honours each project's rules.
    let protectedTags: (@Sendable (String) async throws -> [String])?
    static let repositoryPage = 100
    static let tagPage = 1000

    public init(metadata: any MetadataStore, logger: Logger, protectedTags: (@Sendable (String) async throws -> [String])? = nil) {
        self.metadata = metadata
        self.logger = logger
        self.protectedTags = protectedTags
    }

    /// The project's policy, or GitLab's default (off) when none was set.
    public func policy(for project: String) async throws -> CleanupPolicy {
        try await metadata.cleanupPolicy(for: project) ?? CleanupPolicy(project: project)
    }

    /// Applies `change`; a saved policy that is on is next due one cadence from `now`, as
    /// GitLab's is, and starts from the first repository.
    public func update(project: String, change: CleanupPolicyChange, now: Double) async throws -> CleanupPolicy {
        var policy = try change.applied(to: try await policy(for: project))
        policy.nextRunAt = policy.enabled ? now + policy.cadence.seconds : nil
        policy.cursor = nil
        try await metadata.setCleanupPolicy(policy)
        return policy
    }

    /// Runs `policy` from the repository after `cursor` (nil or empty: the first), stopping
    /// once `deadline` has passed: between repositories, or inside one after a deletion (the
    /// cursor then names the repository before it, so the next run reads it again; the rules
    /// keep the same tags of what is left, so it deletes the rest of what this run would
    /// have). Each run deletes at least one tag, so runs always progress. A dry run reports
    /// exactly the tags a run would delete and deletes nothing.
    public func run(
        _ policy: CleanupPolicy, now: Double, dryRun: Bool, from cursor: String? = nil, until deadline: ContinuousClock.Instant? = nil,
        protected: [TagPattern] = []
    ) async throws -> CleanupReport {
        let rules = try CleanupRules(policy)
        var report = CleanupReport(project: policy.project, dryRun: dryRun)
        var after = cursor
        while true {
            let page = try await metadata.repositories(under: policy.project, after: after, limit: Self.repositoryPage)
            for repository in page {
                let resumeHere = after ?? ""
                let tags = try await allTags(of: repository)
                report.repositories += 1
                report.tagsSeen += tags.count
                let guarded = protected + (try await rulesProtecting(repository))
                for record in rules.tagsToDelete(tags, now: now, protected: guarded) {
                    let deletion = CleanupDeletion(repository: repository, record: record)
                    if dryRun {
                        report.deleted.append(deletion)
                    } else if try await metadata.deleteTag(record.tag, in: repository, ifPointingAt: record.digest, pushedAt: record.pushedAt) {
                        report.deleted.append(deletion)
                        logger.info(
                            "cleanup policy deleted a tag",
                            metadata: [
                                "project": "\(policy.project)", "repository": "\(repository)", "tag": "\(record.tag)",
                                "digest": "\(record.digest)", "policy": "\(Self.describe(policy))",
                            ]
                        )
                    } else {
                        report.skipped += 1
                    }
                    if let deadline, ContinuousClock.now >= deadline {
                        report.finished = false
                        report.cursor = resumeHere
                        return report
                    }
                }
                after = repository.value
                if let deadline, ContinuousClock.now >= deadline {
                    report.finished = false
                    report.cursor = after
                    return report
                }
            }
            if page.count < Self.repositoryPage { return report }
        }
    }

    /// The identity's patterns for the repository's project. A rule the identity store holds was
    /// checked when it was made; one that does not compile here protects every tag, not none.
    private func rulesProtecting(_ repository: RepositoryName) async throws -> [TagPattern] {
        var patterns: [TagPattern] = []
        for pattern in try await protectedTags?(repository.value) ?? [] {
            if let compiled = try? TagPattern(pattern, wholeName: false) {
                patterns.append(compiled)
            } else {
                patterns.append(try TagPattern("", wholeName: false))
            }
        }
        return patterns
    }

    /// Every tag of the repository: the rules need all of them at once.
    private func allTags(of repository: RepositoryName) async throws -> [TagRecord] {
        var tags: [TagRecord] = []
        while true {
            let page = try await metadata.tagRecords(in: repository, after: tags.last?.tag.value, limit: Self.tagPage)
            tags += page
            if page.count < Self.tagPage { return tags }
        }
    }

    /// The policy in one line, for logs and the CLI.
    public static func describe(_ policy: CleanupPolicy) -> String {
        var parts = [policy.enabled ? "enabled" : "disabled", "cadence \(policy.cadence.rawValue)"]
        parts.append("keep_n \(policy.keepN.map(String.init) ?? "none")")
        parts.append("older_than \(policy.olderThan?.rawValue ?? "none")")
        parts.append("name_regex \(policy.nameRegex)")
        parts.append("name_regex_keep \(policy.nameRegexKeep ?? "none")")
        return parts.joined(separator: ", ")
    }
}
