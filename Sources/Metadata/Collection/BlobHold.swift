/// What keeps a blob from collection when it is reviewed.
public enum BlobHold: Sendable, Equatable {
    /// Nothing: its deletion may begin.
    case free
    /// A link, a manifest's bytes or a manifest's reference: it leaves the queue.
    case referenced
    /// Only an upload committing it: the upload may still fail, so it is looked at again
    /// after `BlobClaim.recheck`.
    case claimed
}
