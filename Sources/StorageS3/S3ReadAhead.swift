import NIOCore

/// How a large read is fetched: as ranges of at most `window` bytes, up to `depth` of them
/// requested at once and held whole until the client drains the ones before. One GET streams
/// at the pace of one S3 connection; ranges in parallel keep the backend busy while the client
/// reads. Memory per read stays within `(depth + 1) × window`: the fetches ahead and the one
/// being written to the client.
public struct S3ReadAhead: Sendable, Equatable {
    /// Bytes per ranged GET.
    public var window: Int64
    /// Ranged GETs in flight or held at once; 1 reads the ranges one after another.
    public var depth: Int

    public init(window: Int64 = 8 << 20, depth: Int = 3) {
        self.window = max(window, 1)
        self.depth = max(depth, 1)
    }

    /// One ranged GET: `range` of the object at `key`.
    struct Fetch: Equatable, Sendable {
        let key: String
        let range: Range<Int64>
    }

    /// `pieces` cut into windows, in the order their bytes are read.
    func fetches(_ pieces: [Fetch]) -> [Fetch] {
        var fetches: [Fetch] = []
        for piece in pieces {
            var start = piece.range.lowerBound
            while start < piece.range.upperBound {
                let end = min(start + window, piece.range.upperBound)
                fetches.append(Fetch(key: piece.key, range: start..<end))
                start = end
            }
        }
        return fetches
    }

    /// Hands the fetches' bytes (each as the chunks it arrived in, never copied into one
    /// buffer) to `consume` in order, `depth` fetches ahead of it; `leading`
    /// (bytes that come before the first fetch, already on their way) runs while the first
    /// fetches are made. A failed fetch or a throwing consumer cancels the fetches still running.
    func stream(
        _ fetches: [Fetch], leading: () async throws -> Void = {}, fetch: @escaping @Sendable (Fetch) async throws -> [ByteBuffer],
        _ consume: (ByteBuffer) async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: (Int, [ByteBuffer]).self) { group in
            var started = 0
            func startNext() {
                guard started < fetches.count else { return }
                let index = started
                let next = fetches[index]
                group.addTask { (index, try await fetch(next)) }
                started += 1
            }
            for _ in 0..<depth { startNext() }
            try await leading()
            var arrived: [Int: [ByteBuffer]] = [:]
            for index in fetches.indices {
                while arrived[index] == nil {
                    guard let (done, bytes) = try await group.next() else { return }
                    arrived[done] = bytes
                }
                let chunks = arrived.removeValue(forKey: index)!
                startNext()
                for chunk in chunks { try await consume(chunk) }
            }
        }
    }
}
