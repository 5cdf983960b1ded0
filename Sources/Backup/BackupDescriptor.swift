/// `wharf-backup.json`, the first entry of every archive: what wrote it, when, and what it holds.
/// A reader refuses an archive without it (another program's tar) or with a newer `format`.
public struct BackupDescriptor: Codable, Sendable, Equatable {
    /// The archive layout this Wharf writes and the newest it reads.
    public static let currentFormat = 1
    public static let entryName = "wharf-backup.json"

    public var program = "wharf"
    public var format = Self.currentFormat
    public var version: String
    public var createdAt: Int64
    /// The data directory it was taken from, for the operator's information only.
    public var dataDirectory: String
    /// Whether blobs are in the archive; when not, why (skipped on request, object storage).
    public var blobsIncluded: Bool
    public var blobsNote: String?
    public var blobCount: Int
    public var blobBytes: Int64
    /// Key and certificate files by role (`signing-key`, `tls-certificate`...), with the path
    /// each had; restore puts them where the configuration in effect then says.
    public var files: [String: String]

    public init(
        version: String, createdAt: Int64, dataDirectory: String, blobsIncluded: Bool, blobsNote: String?, blobCount: Int, blobBytes: Int64,
        files: [String: String]
    ) {
        self.version = version
        self.createdAt = createdAt
        self.dataDirectory = dataDirectory
        self.blobsIncluded = blobsIncluded
        self.blobsNote = blobsNote
        self.blobCount = blobCount
        self.blobBytes = blobBytes
        self.files = files
    }
}
