import Foundation
import Logging
import Metadata
import OCI

/// GitLab's rename of a project's repositories (`PATCH /gitlab/v1/repositories/<path>/`): a
/// dry run leases the target for a minute, a rename moves everything in one transaction of
/// the store. Uploads in progress below the source end; their clients start them over.
public struct RepositoryRenamer: Sendable {
    /// How long a dry run holds its target (GitLab's 60 seconds).
    public static let leaseSeconds = 60.0
    /// GitLab's bound on the repositories one rename may take.
    public static let maxRepositories = 1000

    let metadata: any MetadataStore
    let uploads: UploadService
    let quota: QuotaDefaults
    let logger: Logger

    public init(metadata: any MetadataStore, uploads: UploadService, quota: QuotaDefaults, logger: Logger) {
        self.metadata = metadata
        self.uploads = uploads
        self.quota = quota
        self.logger = logger
    }

    /// Leases the target (a dry run) and returns when the lease ends, or renames and returns
    /// nil. Throws the registry's errors: `NAME_UNKNOWN` when nothing exists at or below the
    /// source, `RENAME_CONFLICT`, `EXCEEDS_LIMITS`, `DENIED` for a limit of the target.
    public func rename(_ rename: RepositoryRename, dryRun: Bool, now: Double = Date().timeIntervalSince1970) async throws -> Double? {
        guard try await !metadata.repositories(under: rename.source.value, after: nil, limit: 1).isEmpty else {
            throw RegistryError(.nameUnknown, detail: "nothing is known at or below \(rename.source)")
        }
        do {
            if dryRun {
                let until = now + Self.leaseSeconds
                try await metadata.leaseRename(rename, until: until, now: now, maxRepositories: Self.maxRepositories, quota: quota)
                return until
            }
            let ended = try await metadata.renameRepositories(rename, now: now, maxRepositories: Self.maxRepositories, quota: quota)
            await uploads.removeEnded(ended)
            logger.notice(
                "renamed repositories", metadata: ["from": "\(rename.source)", "to": "\(rename.target)", "uploads_ended": "\(ended.count)"]
            )
            return nil
        } catch MetadataError.renameConflict(let reason) {
            throw RegistryError(.renameConflict, detail: reason)
        } catch MetadataError.tooManyRepositories(let limit) {
            throw RegistryError(.exceedsLimits, detail: "a rename takes at most \(limit) repositories")
        } catch MetadataError.quotaExceeded(let refusal) {
            throw refusal.registryError
        } catch let error as RepositoryRenameError {
            throw RegistryError(.nameInvalid, detail: error.message)
        }
    }
}
