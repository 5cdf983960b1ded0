import Crypto
import Foundation
import Metadata
import MetadataSQLite
import OCI
import WharfTestSupport

/// A Wharf data directory made the way the server makes it: SQLite metadata, blob files in
/// Distribution's layout, a signing key inside and a TLS certificate outside the directory.
struct DataDirectoryFixture {
    let base: String
    var root: String { base + "/data" }
    var backups: String { base + "/backups" }
    var outsideCertificate: String { base + "/etc/tls/registry.crt" }
    var keyPath: String { root + "/keys/registry.key" }

    var files: [String: String] { ["signing-key": keyPath, "tls-certificate": outsideCertificate] }

    init(base: String) throws {
        self.base = base
        try FileManager.default.createDirectory(atPath: root + "/keys", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: base + "/etc/tls", withIntermediateDirectories: true)
        try "KEY-1".write(toFile: keyPath, atomically: true, encoding: .utf8)
        try "CERT-1".write(toFile: outsideCertificate, atomically: true, encoding: .utf8)
    }

    /// Pushes an image of `layerSize` random bytes as `repository:tag`; its manifest digest.
    @discardableResult
    func push(_ repository: String, _ tag: String, layerSize: Int = 70_000) async throws -> OCI.Digest {
        let database = try await SQLiteDatabase.open(path: root + "/wharf.sqlite")
        defer { try? database.close() }
        let store = SQLiteMetadataStore(database: database)
        let name = try RepositoryName(repository)
        let layer = try writeBlob(randomBytes(layerSize))
        let config = try writeBlob(Array(#"{"architecture":"amd64","os":"linux"}"#.utf8))
        for blob in [layer, config] { try await store.commitBlob(BlobRecord(digest: blob.digest, size: blob.size, createdAt: 0), in: name) }
        let manifest = try writeBlob(Array("""
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(config.digest)","size":\(config.size)},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\(layer.digest)","size":\(layer.size)}]}
            """.utf8))
        try await store.putManifest(
            ManifestRecord(digest: manifest.digest, mediaType: MediaType.ociManifest, size: manifest.size, createdAt: 0),
            references: ManifestReferences(blobs: [layer.digest, config.digest]), in: name, tag: try Tag(tag)
        )
        return manifest.digest
    }

    func writeBlob(_ bytes: [UInt8]) throws -> (digest: OCI.Digest, size: Int64) {
        let digest = DigestHasher.digest(bytes, algorithm: .sha256)
        let path = root + "/docker/registry/v2/blobs/sha256/\(digest.hex.prefix(2))/\(digest.hex)/data"
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (digest, Int64(bytes.count))
    }

    /// The manifest digest `repository:tag` names now, or nil.
    func tagged(_ repository: String, _ tag: String) async throws -> OCI.Digest? {
        let database = try await SQLiteDatabase.open(path: root + "/wharf.sqlite")
        defer { try? database.close() }
        return try await SQLiteMetadataStore(database: database).manifest(.tag(try Tag(tag)), in: try RepositoryName(repository))?.digest
    }

    /// Every file under the data directory with a hash of its bytes (the lock file aside), to
    /// prove a refused restore changed nothing.
    func fingerprint() throws -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [:] }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                relative != "wharf.lock", !relative.hasPrefix("wharf.sqlite-")
            else { continue }
            result[relative] = Crypto.SHA256.hash(data: try Data(contentsOf: URL(fileURLWithPath: path))).description
        }
        return result
    }
}
