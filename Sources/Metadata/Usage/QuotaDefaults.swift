/// Limits that apply without a row of their own: `quotas.default`, for every top-level
/// namespace that has no limit set. Passed into the transactions that check limits, as
/// `UploadLimit` is.
public struct QuotaDefaults: Sendable, Equatable {
    public var namespaceLimit: Int64?

    public init(namespaceLimit: Int64? = nil) {
        self.namespaceLimit = namespaceLimit
    }

    public static let none = QuotaDefaults()

    /// The limit of `path`: its own, else the default when it is a top-level namespace.
    public func limit(of path: String, own: Int64?) -> Int64? {
        own ?? (UsagePath.isTopLevel(path) ? namespaceLimit : nil)
    }
}
