import Foundation
import Logging
import Metadata
import NIOCore
import OCI
import StorageDriver

/// Reads Docker Distribution's storage layout and records its repositories, layer links,
/// manifests and tags in Wharf's metadata. Blobs in the same storage are adopted in place;
/// from another storage they are copied. Every blob and manifest is verified against its digest
/// first: a corrupt one is reported and skipped, never imported. Idempotent and resumable: the
/// store's writes are upserts, and blobs recorded by an earlier run are not read again.
public struct DistributionImporter: Sendable {
    let source: any StorageDriver
    let target: any StorageDriver
    let metadata: any MetadataStore
    /// Source and target are one storage: blobs are already where Wharf keeps them.
    let sameStorage: Bool
    let dryRun: Bool
    let progress: @Sendable (String) -> Void

    public init(
        source: any StorageDriver, target: any StorageDriver, metadata: any MetadataStore, sameStorage: Bool, dryRun: Bool,
        progress: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.source = source
        self.target = target
        self.metadata = metadata
        self.sameStorage = sameStorage
        self.dryRun = dryRun
        self.progress = progress
    }

    public static let repositoriesRoot = RegistryLayout.root + "/repositories"
    static let concurrentRepositories = 8
    /// Where copies are written before they are verified and moved into place.
    static let scratchRoot = RegistryLayout.root + "/import"

    public func run() async throws -> ImportReport {
        var report = ImportReport()
        // Half-written copies of a run that was killed: never recorded, safe to drop.
        try await dropScratch()
        let repositories = try await findRepositories()
        // Several repositories at once: each is a chain of small file and database operations
        // that mostly wait, so overlapping them is what makes a thousand repositories quick.
        try await withThrowingTaskGroup(of: (String, ImportReport).self) { group in
            var pending = repositories.makeIterator()
            var done = 0
            func startNext() {
                guard let name = pending.next() else { return }
                group.addTask {
                    var partial = ImportReport()
                    guard let repository = try? RepositoryName(name) else {
                        partial.problems.append("\(name): not a valid repository name, skipped")
                        return (name, partial)
                    }
                    partial.repositories = 1
                    try await importRepository(repository, into: &partial)
                    return (name, partial)
                }
            }
            for _ in 0..<Self.concurrentRepositories { startNext() }
            while let (name, partial) = try await group.next() {
                done += 1
                report.merge(partial)
                if partial.repositories == 1 {
                    progress(
                        "[\(done)/\(repositories.count)] \(name): \(partial.blobsAdopted + partial.blobsCopied + partial.blobsAlreadyKnown) blobs, "
                            + "\(partial.manifests) manifests, \(partial.tags) tags"
                    )
                }
                startNext()
            }
        }
        try await dropScratch()
        return report
    }

    func dropScratch() async throws {
        guard !dryRun && !sameStorage else { return }
        do { try await target.delete(Self.scratchRoot) } catch let error as StorageDriverError where error.isNotFound {}
    }

    /// Repository names: directories under `repositories/` holding `_layers` or `_manifests`.
    func findRepositories() async throws -> [String] {
        var found: [String] = []
        var pending = [Self.repositoriesRoot]
        while let directory = pending.popLast() {
            let children: [String]
            do {
                children = try await source.list(directory)
            } catch let error as StorageDriverError where error.isNotFound {
                continue
            }
            let names = children.map { String($0.split(separator: "/").last ?? "") }
            if names.contains("_layers") || names.contains("_manifests") {
                found.append(String(directory.dropFirst(Self.repositoriesRoot.count + 1)))
            }
            for (child, name) in zip(children, names) where !name.hasPrefix("_") {
                if (try? await source.stat(child))?.isDirectory == true { pending.append(child) }
            }
        }
        return found.sorted()
    }
}
