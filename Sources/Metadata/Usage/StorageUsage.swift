/// What a path holds: the bytes of the distinct blobs its repositories link (a blob linked by
/// several of them counts once), and the bytes uploads in progress have reserved.
public struct StorageUsage: Sendable, Equatable, Codable {
    public var path: String
    public var stored: Int64
    public var reserved: Int64
    /// The limit in force (its own or the default), if any.
    public var limit: Int64?

    public init(path: String, stored: Int64, reserved: Int64, limit: Int64?) {
        self.path = path
        self.stored = stored
        self.reserved = reserved
        self.limit = limit
    }
}
