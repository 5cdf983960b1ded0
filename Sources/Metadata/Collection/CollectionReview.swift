/// Which candidates a review looks at: those queued at or before `queuedBy` (now minus the
/// review delay) and not postponed past `now`, at most `limit` of them, oldest first. A link
/// whose latest event is a push in progress (an upload, a mount, a client told it exists) is due
/// only once queued at or before `pushesQueuedBy`: the review delay or the upload grace,
/// whichever is longer.
public struct CollectionReview: Sendable, Equatable {
    public var now: Double
    public var queuedBy: Double
    public var pushesQueuedBy: Double
    public var limit: Int
    /// Decide and report, change nothing.
    public var dryRun: Bool

    public init(now: Double, reviewDelay: Double, uploadGrace: Double = 0, limit: Int, dryRun: Bool = false) {
        self.now = now
        self.queuedBy = now - max(0, reviewDelay)
        self.pushesQueuedBy = now - max(0, reviewDelay, uploadGrace)
        self.limit = max(1, limit)
        self.dryRun = dryRun
    }

    /// Whether a candidate is due.
    public func isDue(_ candidate: CollectionCandidate) -> Bool {
        candidate.queuedAt <= (candidate.event.isPushInProgress ? pushesQueuedBy : queuedBy) && candidate.notBefore <= now
    }
}
