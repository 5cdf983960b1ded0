/// What `stat` tells about a path.
public struct StorageFileInfo: Sendable, Equatable {
    public var path: String
    public var size: Int64
    public var isDirectory: Bool
    /// Seconds since 1970.
    public var modified: Double

    public init(path: String, size: Int64, isDirectory: Bool, modified: Double) {
        self.path = path
        self.size = size
        self.isDirectory = isDirectory
        self.modified = modified
    }
}
