/// `gc:`, with the keys and defaults of GitLab's registry: online garbage collection inside
/// `wharf serve`. Durations are in seconds.
public struct GarbageCollectionSettings: Sendable, Equatable {
    public var disabled = false
    /// How long a candidate waits before review (`reviewafter`; GitLab's `-1` and `0s` mean at once).
    public var reviewAfter: Double = 24 * 3600
    /// The longest sleep of an idle or failing worker, and the longest a failed deletion waits.
    public var maxBackoff: Double = 24 * 3600
    /// Workers that found nothing sleep `interval`, not a growing backoff.
    public var noIdleBackoff = false
    /// GitLab's bound on one review transaction. Accepted and kept; Wharf's review batches hold
    /// SQLite's writer for milliseconds and nothing waits on it.
    public var transactionTimeout: Double = 10
    public var blobs = Worker(interval: 5)
    public var manifests = Worker(interval: 5)
    /// How long one batch of storage deletes may take (`blobs.storagetimeout`).
    public var storageTimeout: Double = 5
    /// Wharf's: the least time a link an upload or mount made (or a client was told about)
    /// waits for review, so a push in progress keeps its layers however short `reviewafter` is.
    public var uploadGrace: Double = 60

    public struct Worker: Sendable, Equatable {
        public var disabled = false
        /// The sleep after a pass that found work, and the first sleep of a backoff.
        public var interval: Double

        public init(disabled: Bool = false, interval: Double) {
            self.disabled = disabled
            self.interval = interval
        }
    }

    public init() {}
}
