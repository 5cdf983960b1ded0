/// The change that made something a candidate for collection, kept with the candidate so a
/// dry run and the log say why it is reviewed.
public enum CollectionEvent: String, Sendable, Codable {
    /// An upload committed a blob into a repository (the link waits for a manifest).
    case blobUploaded = "blob_upload"
    /// A mount linked a blob into a repository.
    case blobMounted = "blob_mount"
    /// A client was told the blob is in the repository (a HEAD or GET): it may reference it next.
    case blobChecked = "blob_check"
    /// `DELETE /v2/<name>/blobs/<digest>` removed a link.
    case blobUnlinked = "blob_delete"
    /// A manifest was pushed without a tag.
    case manifestUploaded = "manifest_upload"
    /// A manifest was deleted (by a client or by collection): what it referenced is reviewed.
    case manifestDeleted = "manifest_delete"
    /// A tag was deleted: the manifest it pointed at is reviewed.
    case tagDeleted = "tag_delete"
    /// A tag moved to another manifest: the one it left is reviewed.
    case tagMoved = "tag_switch"
    /// Collection removed a repository's last link to a blob.
    case linkRemoved = "link_delete"
    /// A manifest push failed after writing the manifest's bytes.
    case pushFailed = "push_failed"
    /// A blob file in storage that nothing knows (`wharf gc orphans`).
    case orphan = "orphan"

    /// Events of a push in progress: the client is still sending its other blobs, manifests
    /// (the children of an index come before it) and its manifest or index, so such a
    /// candidate waits at least the upload grace.
    public var isPushInProgress: Bool { [.blobUploaded, .blobMounted, .blobChecked, .manifestUploaded].contains(self) }

    /// The events `isPushInProgress` names, as stored (for SQL).
    public static let pushInProgressNames = ["blob_upload", "blob_mount", "blob_check", "manifest_upload"]
}
