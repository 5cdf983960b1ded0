import OCI

/// `n` and `last` of a tags or catalog request, validated: lexical pages of at most 1000.
public struct PageRequest: Sendable, Equatable {
    public static let defaultLimit = 100
    public static let maxLimit = 1000

    public let limit: Int
    public let last: String?

    public init(limit: Int = PageRequest.defaultLimit, last: String? = nil) {
        self.limit = limit
        self.last = last
    }

    /// Parses the query values; a missing `n` is the default page, a larger one the maximum.
    public init(n: String?, last: String?) throws(RegistryError) {
        var limit = Self.defaultLimit
        if let n {
            guard let value = Int(n), value >= 0 else {
                throw RegistryError(
                    .paginationNumberInvalid, detail: "n must be a non-negative integer, got \"\(n.prefix(40))\""
                )
            }
            limit = min(value, Self.maxLimit)
        }
        self.limit = limit
        self.last = last.flatMap { $0.isEmpty ? nil : $0 }
    }
}
