import OCI

/// Failures a store reports about the data, as opposed to I/O failures of its backend.
public enum MetadataError: Error, Sendable, Equatable {
    /// A manifest referenced blobs or child manifests the repository does not hold.
    case missingReferences([Digest])
    /// Creating an upload session would pass a limit; the text names which.
    case tooManyUploads(String)
    /// Garbage collection is deleting the blob: wait for it to finish, then write it anew.
    case blobBeingDeleted(Digest)
    /// The upload session is gone (purged): its claim cannot be recorded.
    case uploadGone(String)
    /// A write would take a path past its storage limit.
    case quotaExceeded(QuotaExceeded)
    /// An immutable tag exists and points at another manifest.
    case tagImmutable(Tag)
    /// A rename's target is taken (a repository, a lease of another rename) or the source is
    /// busy (an upload committing); the text says which.
    case renameConflict(String)
    /// A rename would take more repositories than one operation may.
    case tooManyRepositories(limit: Int)
}
