/// What one run of a policy did.
public struct CleanupReport: Sendable {
    public var project: String
    public var repositories = 0
    public var tagsSeen = 0
    public var deleted: [CleanupDeletion] = []
    /// Tags the rules chose that a client pushed again before the delete: kept.
    public var skipped = 0
    /// False when the run stopped at its deadline; `cursor` is where the next one resumes.
    public var finished = true
    public var cursor: String?
    public var dryRun: Bool

    public init(project: String, dryRun: Bool) {
        self.project = project
        self.dryRun = dryRun
    }
}
