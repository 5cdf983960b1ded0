import OCI

/// A tag with what it points at and when it was last pushed: what cleanup policies and
/// GitLab's tag list order by.
public struct TagRecord: Sendable, Equatable {
    public var tag: Tag
    public var digest: Digest
    /// Seconds since 1970 of the push that last set the tag.
    public var pushedAt: Double

    public init(tag: Tag, digest: Digest, pushedAt: Double) {
        self.tag = tag
        self.digest = digest
        self.pushedAt = pushedAt
    }
}
