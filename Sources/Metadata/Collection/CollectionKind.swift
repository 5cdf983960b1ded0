/// What garbage collection reviews. A link is a repository's right to a blob (an upload or a
/// mount made it); a manifest is one repository's; a blob is the registry's, stored once.
public enum CollectionKind: String, Sendable, CaseIterable, Codable {
    case link
    case manifest
    case blob
}
