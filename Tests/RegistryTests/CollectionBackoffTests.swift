import Registry
import Testing

/// The collector's pacing, pure: a quick test, apart from the collection suites that wait for
/// the quick ones.
@Suite(.timeLimit(.minutes(3))) struct CollectionBackoffTests {
    @Test func backoffGrowsWhenIdleOrFailingAndResetsOnWork() {
        var backoff = CollectionBackoff(interval: 5, maxBackoff: 60, noIdleBackoff: false)
        #expect(backoff.next(after: .idle, random: 0) == 5)
        #expect(backoff.next(after: .idle, random: 0) == 7.5)
        #expect(backoff.next(after: .failure, random: 0.99) == 11.25 * (1 + 0.99 / 3))
        for _ in 0..<20 { _ = backoff.next(after: .idle, random: 0) }
        #expect(backoff.next(after: .idle, random: 0.5) == 60, "capped at maxbackoff")
        #expect(backoff.next(after: .work, random: 0.5) == 5)
        #expect(backoff.next(after: .fullBatch, random: 0.5) == 0)
        var eager = CollectionBackoff(interval: 0.1, maxBackoff: 60, noIdleBackoff: true)
        #expect(eager.next(after: .idle, random: 0.9) == 0.1 && eager.next(after: .idle, random: 0.9) == 0.1)
        #expect(CollectionSettings().retryDelay(afterFailures: 0) == 300)
        #expect(CollectionSettings().retryDelay(afterFailures: 3) == 2400)
        #expect(CollectionSettings().retryDelay(afterFailures: 40) == 24 * 3600)
    }
}
