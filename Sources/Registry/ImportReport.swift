import OCI

/// What an import found and did.
public struct ImportReport: Sendable, Equatable {
    public var repositories = 0
    /// Blobs recorded: adopted in place, or copied and verified.
    public var blobsAdopted = 0
    public var blobsCopied = 0
    /// Blobs already known from an earlier run, not read again.
    public var blobsAlreadyKnown = 0
    public var manifests = 0
    public var tags = 0
    /// Link directories whose link file Distribution removed on delete: skipped, as deleted.
    public var deletedLinks = 0
    /// Links to nothing, corrupt blobs, manifests that cannot be imported: each with its reason.
    public var problems: [String] = []

    public init() {}

    /// Adds another report's counts and problems (one repository's, in a concurrent import).
    public mutating func merge(_ other: ImportReport) {
        repositories += other.repositories
        blobsAdopted += other.blobsAdopted
        blobsCopied += other.blobsCopied
        blobsAlreadyKnown += other.blobsAlreadyKnown
        manifests += other.manifests
        tags += other.tags
        deletedLinks += other.deletedLinks
        problems += other.problems
    }
}
