/// What `wharf backup restore` restores into.
public struct RestoreRequest: Sendable {
    /// The data directory to replace.
    public var root: String
    /// Where each key or certificate role goes under the configuration in effect; a role the
    /// backup holds but the configuration does not name is reported, not restored.
    public var fileDestinations: [String: String]
    /// Replace a data directory that holds data.
    public var force: Bool
    /// Where blobs live when not under the data directory (an S3 bucket): they stay there.
    public var objectStorage: String?

    public init(root: String, fileDestinations: [String: String], force: Bool, objectStorage: String? = nil) {
        self.root = root
        self.fileDestinations = fileDestinations
        self.force = force
        self.objectStorage = objectStorage
    }
}
