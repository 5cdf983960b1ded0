import Foundation
import Logging
import Metadata
import OCI
import StorageDriver

/// Online garbage collection over the metadata store's review queue. Every decision is made
/// inside a store transaction that also serialises pushes, mounts and deletes; the hand-off
/// to storage is the blob's lease: once `beginBlobDeletions` marked a blob, no upload, mount
/// or manifest can claim it, so its bytes are deleted without a lock on anything else, and a
/// push that wanted it waits for the deletion and writes it anew.
public struct GarbageCollector: Sendable {
    let driver: any StorageDriver
    let metadata: any MetadataStore
    public let settings: CollectionSettings
    let gate: (any CollectionGate)?
    let logger: Logger

    public init(
        driver: any StorageDriver, metadata: any MetadataStore, settings: CollectionSettings, gate: (any CollectionGate)? = nil, logger: Logger
    ) {
        self.driver = driver
        self.metadata = metadata
        self.settings = settings
        self.gate = gate
        self.logger = logger
    }

    func review(now: Double, dryRun: Bool, limit: Int? = nil) -> CollectionReview {
        CollectionReview(
            now: now, reviewDelay: settings.reviewDelay, uploadGrace: settings.uploadGrace, limit: limit ?? settings.batchSize, dryRun: dryRun
        )
    }

    /// One batch of manifest reviews: untagged manifests nothing points at are deleted, and
    /// what they referenced is queued.
    public func collectManifests(now: Double, dryRun: Bool = false, limit: Int? = nil) async throws -> CollectionPass {
        var pass = CollectionPass()
        guard settings.manifestsEnabled else { return pass }
        pass.manifests = try await metadata.collectManifests(review(now: now, dryRun: dryRun, limit: limit))
        return pass
    }

    /// One batch of link reviews, then one batch of blob deletions: storage first, the row
    /// after. A delete the backend refused postpones the blob with backoff; one whose outcome is
    /// unknown (a timeout, a lost connection, a backend fault) keeps its lease, which expires and
    /// is taken over, so no request of this collector can still land once a push stored the blob
    /// anew. A candidate is never dropped.
    public func collectBlobs(now: Double, dryRun: Bool = false, limit: Int? = nil) async throws -> CollectionPass {
        var pass = CollectionPass()
        guard settings.blobsEnabled else { return pass }
        let review = review(now: now, dryRun: dryRun, limit: limit)
        pass.links = try await metadata.collectLinks(review)
        // Held for the deletions' whole course: a backup waits for them, or they for it.
        let permit = dryRun ? nil : await gate?.permit()
        if case .some(.none) = permit {
            logger.debug("garbage collection holds off blob deletes while a backup copies blobs")
            return pass
        }
        defer { withExtendedLifetime(permit) {} }
        let begun = try await metadata.beginBlobDeletions(review, leaseUntil: now + settings.leaseTimeout)
        if dryRun {
            pass.blobs = begun
            return pass
        }
        let deleted = try await delete(begun, leasedAt: now)
        pass.blobs = deleted.blobs
        pass.failed = deleted.failed
        return pass
    }

    /// Deletes blob files nothing knows (`wharf gc orphans`) under the same hand-off as
    /// collected blobs: each is marked first (skipped if a row or an upload knows it by then),
    /// so a push of the same digest waits and stores it anew.
    public func deleteOrphans(_ orphans: [BlobRecord], now: Double) async throws -> CollectionPass {
        let permit = await gate?.permit()
        if case .some(.none) = permit {
            throw RegistryError(.unavailable, detail: "a backup is copying blobs; run `wharf gc orphans` when it has finished", status: 503)
        }
        defer { withExtendedLifetime(permit) {} }
        let begun = try await metadata.beginOrphanDeletions(orphans, leaseUntil: now + settings.leaseTimeout)
        return try await delete(begun, leasedAt: now)
    }

    /// The storage deletes of begun deletions, then the rows: finished when deleted, postponed
    /// when the backend refused, left under their lease when the outcome is unknown.
    private func delete(_ begun: [BlobDeletion], leasedAt now: Double) async throws -> CollectionPass {
        var pass = CollectionPass()
        guard !begun.isEmpty else { return pass }
        let failures = await deleteFiles(begun.map { RegistryLayout.blobData($0.digest) }, leasedAt: now)
        pass.failed = begun.filter { failures[RegistryLayout.blobData($0.digest)] != nil }
        pass.blobs = begun.filter { failures[RegistryLayout.blobData($0.digest)] == nil }
        try await metadata.finishBlobDeletions(pass.blobs)
        let refused = pass.failed.filter { failures[RegistryLayout.blobData($0.digest)]?.isTransient == false }
        for (count, group) in Dictionary(grouping: refused, by: \.reviewCount) {
            try await metadata.postponeBlobDeletions(group, until: now + settings.retryDelay(afterFailures: count))
        }
        for deletion in pass.failed {
            let error = failures[RegistryLayout.blobData(deletion.digest)]!
            logger.warning(
                error.isTransient
                    ? "garbage collection does not know whether a blob was deleted; it is deleted again once its lease expires"
                    : "garbage collection could not delete a blob; it is tried again later",
                metadata: ["digest": "\(deletion.digest)", "error": "\(error)"]
            )
        }
        return pass
    }

    /// Storage deletes of one batch, in the driver's request size, eight requests at once, each
    /// bounded by the storage timeout: paths not confirmed deleted in time count as failed (and
    /// are postponed; deleting again is harmless). No request starts once half the lease has
    /// passed, so none is still under way when another collector may take the lease over.
    func deleteFiles(_ paths: [String], leasedAt lease: Double) async -> [String: StorageDriverError] {
        let size = max(1, driver.deleteBatchSize)
        let chunks = stride(from: 0, to: paths.count, by: size).map { Array(paths[$0..<min($0 + size, paths.count)]) }
        let timeout = settings.storageTimeout
        let stopAt = lease + settings.leaseTimeout / 2
        let driver = driver
        return await withTaskGroup(of: [String: StorageDriverError].self) { group in
            var failures: [String: StorageDriverError] = [:]
            var next = chunks.makeIterator()
            func start() {
                guard let chunk = next.next() else { return }
                group.addTask {
                    guard Date().timeIntervalSince1970 < stopAt else {
                        return Self.failed(chunk, driver: driver.name, reason: "not started: the collector's lease is half over")
                    }
                    return await Self.deleteWithin(timeout, chunk, driver: driver)
                }
            }
            for _ in 0..<8 { start() }
            while let failed = await group.next() {
                failures.merge(failed) { first, _ in first }
                start()
            }
            return failures
        }
    }

    static func deleteWithin(_ timeout: Double, _ paths: [String], driver: any StorageDriver) async -> [String: StorageDriverError] {
        await withTaskGroup(of: [String: StorageDriverError]?.self) { group in
            group.addTask { await driver.deleteFiles(paths, keeping: RegistryLayout.blobsRoot) }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? failed(paths, driver: driver.name, reason: "storage delete timed out after \(timeout) s")
        }
    }

    static func failed(_ paths: [String], driver: String, reason: String) -> [String: StorageDriverError] {
        Dictionary(uniqueKeysWithValues: paths.map { ($0, StorageDriverError.unavailable($0, driver: driver, reason: reason)) })
    }

    /// Every due candidate, batch after batch, until a round finds nothing more (`wharf gc
    /// run`). A dry run looks once at everything due and changes nothing, so what the
    /// deletions it reports would queue in turn is not shown.
    public func collectAll(dryRun: Bool, now: () -> Double = { Date().timeIntervalSince1970 }, progress: (CollectionPass) -> Void = { _ in })
        async throws -> CollectionPass
    {
        var total = CollectionPass()
        if dryRun {
            var pass = try await collectManifests(now: now(), dryRun: true, limit: 1_000_000)
            pass.add(try await collectBlobs(now: now(), dryRun: true, limit: 1_000_000))
            progress(pass)
            return pass
        }
        while true {
            var round = try await collectManifests(now: now())
            round.add(try await collectBlobs(now: now()))
            progress(round)
            total.add(round)
            if round.isEmpty || round.manifests.isEmpty && round.links.isEmpty && round.blobs.isEmpty { return total }
        }
    }
}
