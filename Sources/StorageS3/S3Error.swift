import StorageDriver

/// An error answer from an S3 server: its HTTP status and, when its body said, the S3 code.
public struct S3Error: ObjectStoreFailure, Sendable, Equatable {
    public let status: Int
    public let code: String
    public let message: String
    public let key: String

    public init(status: Int, code: String, message: String, key: String) {
        self.status = status
        self.code = code
        self.message = message
        self.key = key
    }

    public var isNotFound: Bool { status == 404 && code != "NoSuchBucket" && code != "NoSuchUpload" }

    public var isTransient: Bool { status >= 500 || status == 429 || code == "SlowDown" }

    public var description: String {
        "S3 \(status) \(code)\(message.isEmpty ? "" : ": \(message)") (key \(key.isEmpty ? "<bucket>" : key))"
    }
}
