import OCI

/// What a caller's token says about protected and immutable tags of the repository it
/// writes (GitLab's `tag_deny_access_patterns` and `tag_immutable_patterns`): patterns
/// matched anywhere in a tag's name, as GitLab's registry matches them.
public struct TagProtection: Sendable {
    public var denyPush: [TagPattern]
    public var denyDelete: [TagPattern]
    public var immutable: [TagPattern]

    public init(denyPush: [TagPattern] = [], denyDelete: [TagPattern] = [], immutable: [TagPattern] = []) {
        self.denyPush = denyPush
        self.denyDelete = denyDelete
        self.immutable = immutable
    }

    public static let none = TagProtection()

    public var isEmpty: Bool { denyPush.isEmpty && denyDelete.isEmpty && immutable.isEmpty }

    /// GitLab's registry refuses more than five patterns of each kind, or longer than 100.
    public static let maxPatterns = 5
    public static let maxPatternLength = 100

    /// Compiles a token's patterns; a token that carries too many, too long or unusable ones
    /// is refused rather than half obeyed.
    public init(denyPush: [String], denyDelete: [String], immutable: [String]) throws(RegistryError) {
        func compile(_ patterns: [String], _ what: String) throws(RegistryError) -> [TagPattern] {
            guard patterns.count <= Self.maxPatterns else {
                throw RegistryError(.denied, detail: "the token carries more than \(Self.maxPatterns) \(what) tag patterns")
            }
            var compiled: [TagPattern] = []
            for pattern in patterns {
                guard pattern.count <= Self.maxPatternLength, let tagPattern = try? TagPattern(pattern, wholeName: false) else {
                    throw RegistryError(.denied, detail: "the token carries an unusable \(what) tag pattern")
                }
                compiled.append(tagPattern)
            }
            return compiled
        }
        self.denyPush = try compile(denyPush, "protected")
        self.denyDelete = try compile(denyDelete, "protected")
        self.immutable = try compile(immutable, "immutable")
    }

    func first(_ patterns: [TagPattern], matching tag: Tag) -> TagPattern? {
        patterns.first { $0.matches(tag.value) }
    }
}
