/// A project's cleanup policy, GitLab's `container_expiration_policy`: which tags of its
/// repositories to delete, how often, and where an unfinished run resumes.
public struct CleanupPolicy: Sendable, Equatable {
    /// The values GitLab allows for `keep_n`.
    public static let keepValues = [1, 5, 10, 25, 50, 100]

    public var project: String
    public var enabled: Bool
    public var cadence: CleanupCadence
    /// Keep this many of the most recently pushed matching tags; nil keeps none by count.
    public var keepN: Int?
    /// Delete only tags pushed longer ago than this; nil, whatever their age.
    public var olderThan: CleanupAge?
    /// Tags to delete (anchored).
    public var nameRegex: String
    /// Tags to keep whatever `nameRegex` says (anchored).
    public var nameRegexKeep: String?
    /// When the scheduler runs it next (seconds since 1970).
    public var nextRunAt: Double?
    /// The last repository an unfinished run completed: the next run resumes after it.
    public var cursor: String?
    /// Counts the times the policy was set: a run records its progress only against the
    /// revision it ran, so a run started before an edit cannot overwrite the edit's schedule.
    public var revision: Int64 = 0

    /// GitLab's defaults for a new policy (off).
    public init(
        project: String, enabled: Bool = false, cadence: CleanupCadence = .daily, keepN: Int? = 10,
        olderThan: CleanupAge? = .quarter, nameRegex: String = ".*", nameRegexKeep: String? = nil,
        nextRunAt: Double? = nil, cursor: String? = nil
    ) {
        self.project = project
        self.enabled = enabled
        self.cadence = cadence
        self.keepN = keepN
        self.olderThan = olderThan
        self.nameRegex = nameRegex
        self.nameRegexKeep = nameRegexKeep
        self.nextRunAt = nextRunAt
        self.cursor = cursor
    }
}
