import NIOConcurrencyHelpers

/// Counts of what the registry did, for metrics and for tests that must tell a mount from an
/// upload.
public final class RegistryStatistics: Sendable {
    public struct Counters: Sendable, Equatable {
        public var blobMounts = 0
        public var blobsCommitted = 0
        public var bytesCommitted: Int64 = 0
        public var manifestsPushed = 0
    }

    private let counters = NIOLockedValueBox(Counters())

    public init() {}

    public var snapshot: Counters { counters.withLockedValue { $0 } }

    func record(_ update: (inout Counters) -> Void) {
        counters.withLockedValue { update(&$0) }
    }
}
