/// An upload committing a blob (`markUploadCommitting`) claims it: no deletion begins while
/// the session holds the claim.
public enum BlobClaim {
    /// A candidate held only by a committing upload is reviewed again this many seconds later
    /// (or as soon as the session ends): the upload may still fail and leave the blob
    /// unreferenced.
    public static let recheck: Double = 60
}
