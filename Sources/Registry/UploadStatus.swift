/// Where an upload stands, for the response headers.
public struct UploadStatus: Sendable, Equatable {
    public let id: String
    public let offset: Int64

    public init(id: String, offset: Int64) {
        self.id = id
        self.offset = offset
    }

    /// `Range: 0-<last byte>` (`0-0` when empty, as Distribution).
    public var rangeHeader: String { "0-\(max(offset - 1, 0))" }
}
