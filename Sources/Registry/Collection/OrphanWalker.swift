import Metadata
import OCI
import StorageDriver

/// Walks the blob tree once (`blobs/<algorithm>/<two hex>/<hex>/data`) and tells, for each
/// blob file, whether the registry knows its digest. What it does not know is an orphan: a
/// `registry:2` root imported without its links, or bytes a crash left between move and commit.
public struct OrphanWalker: Sendable {
    let driver: any StorageDriver
    let metadata: any MetadataStore

    public init(driver: any StorageDriver, metadata: any MetadataStore) {
        self.driver = driver
        self.metadata = metadata
    }

    public struct Blob: Sendable {
        public let digest: Digest
        public let path: String
        public let size: Int64
        public let modified: Double
        public let known: Bool
    }

    public func walk(_ visit: (Blob) async throws -> Void) async throws {
        for algorithmDirectory in try await children(RegistryLayout.blobsRoot) {
            let algorithm = String(algorithmDirectory.split(separator: "/").last ?? "")
            for prefixDirectory in try await children(algorithmDirectory) {
                for digestDirectory in try await children(prefixDirectory) {
                    let hex = String(digestDirectory.split(separator: "/").last ?? "")
                    guard let digest = try? Digest(parsing: "\(algorithm):\(hex)") else { continue }
                    let path = RegistryLayout.blobData(digest)
                    guard let info = try? await driver.stat(path), !info.isDirectory else { continue }
                    let known = try await metadata.blobIsKnown(digest)
                    try await visit(Blob(digest: digest, path: path, size: info.size, modified: info.modified, known: known))
                }
            }
        }
    }

    private func children(_ path: String) async throws -> [String] {
        do {
            return try await driver.list(path)
        } catch let error as StorageDriverError where error.isNotFound {
            return []
        }
    }
}
