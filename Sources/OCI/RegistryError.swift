/// A failure that the HTTP layer renders as the spec's error body
/// `{"errors":[{"code","message","detail"}]}`.
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: ErrorCode
    public let message: String
    /// Extra, human-readable explanation of what was wrong with the request.
    public let detail: String?
    /// The HTTP status; the code's own unless a case needs another (413, 416).
    public let status: Int

    public init(_ code: ErrorCode, detail: String? = nil, message: String? = nil, status: Int? = nil) {
        self.code = code
        self.message = message ?? code.message
        self.detail = detail
        self.status = status ?? code.status
    }

    public var description: String {
        if let detail { return "\(code.rawValue): \(message): \(detail)" }
        return "\(code.rawValue): \(message)"
    }
}
