/// The `<reference>` of a manifest URL: a tag or a digest.
public enum Reference: Hashable, Sendable, CustomStringConvertible {
    case tag(Tag)
    case digest(Digest)

    /// A reference containing `:` is a digest (tags cannot contain one), anything else a tag.
    public init(parsing string: String) throws(RegistryError) {
        if string.contains(":") {
            self = .digest(try Digest(parsing: string))
        } else {
            self = .tag(try Tag(string))
        }
    }

    public var description: String {
        switch self {
        case .tag(let tag): tag.value
        case .digest(let digest): digest.description
        }
    }
}
