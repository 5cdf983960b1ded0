import StorageDriver

/// An answer of the JSON API that is not a success, or a request that got none (status 0).
public struct GCSError: ObjectStoreFailure, Sendable {
    public let status: Int
    public let message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var isNotFound: Bool { status == 404 }
    /// Worth another try: throttled, a server error, or no answer at all.
    public var isTransient: Bool { status == 0 || status == 408 || status == 429 || status >= 500 }

    public var description: String { status == 0 ? message : "HTTP \(status): \(message)" }
}
