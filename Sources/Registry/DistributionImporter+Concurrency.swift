/// Work over many items at once, bounded: a repository's links and blobs are each a few small
/// reads that mostly wait (on S3, a request each), so one at a time left an import of 100,000
/// blobs from radosgw running for tens of minutes.
extension DistributionImporter {
    /// Links and blobs of one repository in flight at once (times `concurrentRepositories`).
    static let concurrentItems = 8

    /// `body` of every item, at most `concurrentItems` at once; results in the items' order, so
    /// a report reads the same whatever finished first.
    func concurrentMap<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ body: @escaping @Sendable (Item) async throws -> Result
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
            for _ in 0..<Self.concurrentItems { startNext() }
            while let (index, result) = try await group.next() {
                results[index] = result
                startNext()
            }
        }
        return results.compactMap { $0 }
    }
}
