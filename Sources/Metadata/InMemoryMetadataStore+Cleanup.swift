import NIOConcurrencyHelpers
import OCI

extension InMemoryMetadataStore {
    public func repositories(under path: String, after last: String?, limit: Int) async throws -> [RepositoryName] {
        state.withLockedValue { state in
            Array(
                state.repositories.filter { UsagePath.contains(path, $0) && (last == nil || $0.value > last!) }.sorted().prefix(limit)
            )
        }
    }

    public func tagRecords(in repository: RepositoryName, after last: String?, limit: Int) async throws -> [TagRecord] {
        state.withLockedValue { state in
            (state.tags[repository] ?? [:]).filter { last == nil || $0.key.value > last! }.sorted { $0.key < $1.key }.prefix(limit).map {
                TagRecord(tag: $0.key, digest: $0.value, pushedAt: state.tagPushes[repository]?[$0.key] ?? 0)
            }
        }
    }

    public func deleteTag(_ tag: Tag, in repository: RepositoryName, ifPointingAt digest: Digest, pushedAt: Double) async throws -> Bool {
        state.withLockedValue { state in
            guard state.tags[repository]?[tag] == digest, state.tagPushes[repository]?[tag] == pushedAt else { return false }
            state.tags[repository]?[tag] = nil
            state.tagPushes[repository]?[tag] = nil
            state.enqueue(.manifest, repository, digest, .tagDeleted, at: Self.now())
            return true
        }
    }

    public func cleanupPolicy(for project: String) async throws -> CleanupPolicy? {
        state.withLockedValue { $0.cleanupPolicies[project] }
    }

    public func setCleanupPolicy(_ policy: CleanupPolicy) async throws {
        state.withLockedValue { state in
            var stored = policy
            stored.revision = (state.cleanupPolicies[policy.project]?.revision ?? 0) + 1
            state.cleanupPolicies[policy.project] = stored
        }
    }

    public func dueCleanupPolicies(at now: Double, limit: Int) async throws -> [CleanupPolicy] {
        state.withLockedValue { state in
            Array(
                state.cleanupPolicies.values.filter { $0.enabled && ($0.nextRunAt ?? 0) <= now }
                    .sorted { ($0.nextRunAt ?? 0, $0.project) < ($1.nextRunAt ?? 0, $1.project) }.prefix(limit)
            )
        }
    }

    public func recordCleanupProgress(project: String, revision: Int64, cursor: String?, nextRunAt: Double?) async throws -> Bool {
        state.withLockedValue { state in
            guard state.cleanupPolicies[project]?.revision == revision else { return false }
            state.cleanupPolicies[project]?.cursor = cursor
            state.cleanupPolicies[project]?.nextRunAt = nextRunAt
            return true
        }
    }
}
