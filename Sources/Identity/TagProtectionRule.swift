/// A project's rule for tags its pattern matches (RE2, anywhere in the name, as GitLab's
/// registry matches it): the lowest level that may push over them and that may delete them,
/// or, with neither, immutable: nobody overwrites or deletes them.
public struct TagProtectionRule: Sendable, Equatable, Codable {
    /// GitLab's limits.
    public static let maxPerProject = 5
    public static let maxPatternLength = 100

    public var id: Int64
    public var projectID: Int64
    public var pattern: String
    public var minimumPushLevel: ProtectionLevel?
    public var minimumDeleteLevel: ProtectionLevel?

    public init(id: Int64, projectID: Int64, pattern: String, minimumPushLevel: ProtectionLevel?, minimumDeleteLevel: ProtectionLevel?) {
        self.id = id
        self.projectID = projectID
        self.pattern = pattern
        self.minimumPushLevel = minimumPushLevel
        self.minimumDeleteLevel = minimumDeleteLevel
    }

    public var isImmutable: Bool { minimumPushLevel == nil && minimumDeleteLevel == nil }
}
