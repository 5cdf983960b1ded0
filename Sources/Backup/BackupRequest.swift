/// What `wharf backup create` backs up and where the archive goes.
public struct BackupRequest: Sendable {
    /// The data directory: `wharf.sqlite` and the filesystem driver's blobs.
    public var root: String
    /// Key and certificate files by role; missing ones are left out.
    public var files: [String: String]
    /// False with `--skip registry`, or when blobs live in object storage.
    public var includeBlobs: Bool
    /// Why blobs are left out, recorded in the archive and printed.
    public var blobsNote: String?
    /// The backups directory.
    public var directory: String
    public var version: String

    public init(root: String, files: [String: String], includeBlobs: Bool, blobsNote: String?, directory: String, version: String) {
        self.root = root
        self.files = files
        self.includeBlobs = includeBlobs
        self.blobsNote = blobsNote
        self.directory = directory
        self.version = version
    }
}
