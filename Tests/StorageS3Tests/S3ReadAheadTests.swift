import NIOCore
import Synchronization
import Testing

@testable import StorageS3

/// The read-ahead's plan and its ordering, without a server.
struct S3ReadAheadTests {
    typealias Fetch = S3ReadAhead.Fetch

    @Test func piecesAreCutIntoWindowsInOrder() {
        let plan = S3ReadAhead(window: 10, depth: 2).fetches([
            Fetch(key: "a", range: 5..<27), Fetch(key: "b", range: 0..<10), Fetch(key: "c", range: 3..<3),
        ])
        #expect(plan == [
            Fetch(key: "a", range: 5..<15), Fetch(key: "a", range: 15..<25), Fetch(key: "a", range: 25..<27),
            Fetch(key: "b", range: 0..<10),
        ])
    }

    /// Fetches finish in reverse order; the consumer still sees them in order, and never more
    /// than `depth` are started ahead of what it has taken.
    @Test func bytesArriveInOrderWithAtMostDepthAhead() async throws {
        let readAhead = S3ReadAhead(window: 4, depth: 3)
        let fetches = readAhead.fetches([Fetch(key: "k", range: 0..<40)])
        let started = Mutex<[Int64]>([])
        let consumed = Mutex<Int>(0)
        var received: [Int64] = []
        try await readAhead.stream(fetches, fetch: { fetch in
            let ahead = started.withLock { started in
                started.append(fetch.range.lowerBound)
                return started.count - consumed.withLock { $0 }
            }
            #expect(ahead <= readAhead.depth + 1, "\(ahead) fetches started ahead of the consumer")
            // Later windows answer sooner.
            try await Task.sleep(for: .milliseconds(Int(40 - fetch.range.lowerBound)))
            return [ByteBuffer(integer: UInt32(fetch.range.lowerBound))]
        }) { bytes in
            received.append(Int64(bytes.getInteger(at: 0, as: UInt32.self)!))
            consumed.withLock { $0 += 1 }
        }
        #expect(received == stride(from: 0, to: 40, by: 4).map(Int64.init))
    }

    @Test func leadingBytesComeFirstWhileTheFirstFetchesRun() async throws {
        let readAhead = S3ReadAhead(window: 4, depth: 2)
        let started = Mutex(0)
        var order: [String] = []
        try await readAhead.stream(readAhead.fetches([Fetch(key: "k", range: 4..<12)]), leading: {
            // The fetches ahead were started before the leading bytes are streamed.
            while started.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(1)) }
            order.append("leading")
        }, fetch: { fetch in
            started.withLock { $0 += 1 }
            return [ByteBuffer(string: "\(fetch.range.lowerBound)")]
        }) { bytes in
            order.append(String(buffer: bytes))
        }
        #expect(order == ["leading", "4", "8"])
    }

    struct Refused: Error {}

    @Test func aFailedFetchEndsTheReadAndCancelsTheRest() async throws {
        let readAhead = S3ReadAhead(window: 1, depth: 4)
        let cancelled = Mutex(0)
        var received = 0
        await #expect(throws: Refused.self) {
            try await readAhead.stream(readAhead.fetches([Fetch(key: "k", range: 0..<100)]), fetch: { fetch in
                if fetch.range.lowerBound == 1 { throw Refused() }
                if fetch.range.lowerBound == 0 { return [ByteBuffer(string: "0")] }
                do {
                    try await Task.sleep(for: .seconds(30))
                } catch {
                    cancelled.withLock { $0 += 1 }
                    throw error
                }
                return []
            }) { _ in received += 1 }
        }
        #expect(received <= 1)
        #expect(cancelled.withLock { $0 } >= 1, "the fetches still running were cancelled")
    }
}
