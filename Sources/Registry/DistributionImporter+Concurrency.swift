/// Work over many items at once, bounded: a repository's links and blobs are each a few small
/// reads that mostly wait (on S3, a request each), so one at a time left an import of 100,000
/// blobs from radosgw running for tens of minutes.
///
/// Bounds, times `concurrentRepositories` (8): a repository is in one phase at a time, and
/// either phase keeps at most 8 of the S3 client's 64 connections: a link or manifest is one
/// small GET, a blob read is a GET and up to three read-aheads of 8 MiB.
extension DistributionImporter {
    /// Link files and manifests of one repository read at once.
    static let concurrentSmallReads = 8
    /// Blobs of one repository read (hashed, copied) at once.
    static let concurrentBlobs = 2

    /// `body` of every item, at most `limit` at once; results in the items' order, so a report
    /// reads the same whatever finished first.
    func concurrentMap<Item: Sendable, Result: Sendable>(
        _ items: [Item], limit: Int, _ body: @escaping @Sendable (Item) async throws -> Result
    ) async throws -> [Result] {
        var results = [Result?](repeating: nil, count: items.count)
        try await withThrowingTaskGroup(of: (Int, Result).self) { group in
            var next = 0
            func startNext() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask { (index, try await body(item)) }
            }
            for _ in 0..<limit { startNext() }
            while let (index, result) = try await group.next() {
                results[index] = result
                startNext()
            }
        }
        return results.compactMap { $0 }
    }
}
