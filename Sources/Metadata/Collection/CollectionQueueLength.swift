/// How many candidates wait, per kind, and how many of them are due now (the metrics scrape).
public struct CollectionQueueLength: Sendable, Equatable {
    public var waiting: [CollectionKind: Int]
    public var due: [CollectionKind: Int]
    /// Blobs whose deletion has begun and not finished.
    public var deleting: Int

    public init(waiting: [CollectionKind: Int] = [:], due: [CollectionKind: Int] = [:], deleting: Int = 0) {
        self.waiting = waiting
        self.due = due
        self.deleting = deleting
    }
}
