/// A limit set on a path (a top-level namespace or a project), in bytes.
public struct StorageQuota: Sendable, Equatable, Codable {
    public var path: String
    public var limit: Int64

    public init(path: String, limit: Int64) {
        self.path = path
        self.limit = limit
    }
}
