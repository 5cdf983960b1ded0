import StorageDriver

/// An answer of the JSON API that is not a success, or a request that got none (status 0).
public struct GCSError: ObjectStoreFailure, Sendable {
    public let status: Int
    public let message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    /// The object is missing; a missing bucket is a configuration problem, not a missing file.
    public var isNotFound: Bool { status == 404 && !isBucketMissing }
    /// Google says "The specified bucket does not exist."; a listing's 404 is always this.
    public var isBucketMissing: Bool {
        status == 404 && (message.lowercased().contains("bucket does not exist") || message.lowercased().contains("bucket not found"))
    }
    public var isPreconditionFailed: Bool { status == 412 }
    /// Worth another try: throttled, a server error, or no answer at all.
    public var isTransient: Bool { status == 0 || status == 408 || status == 429 || status >= 500 }

    public var description: String { status == 0 ? message : "HTTP \(status): \(message)" }
}
