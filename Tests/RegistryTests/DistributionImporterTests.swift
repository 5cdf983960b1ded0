import Foundation
import Logging
import Metadata
import NIOCore
import OCI
import Registry
import StorageDriver
import Testing
import WharfTestSupport

/// A Distribution storage root written by hand, as `registry/storage/paths.go` lays it out.
struct DistributionLayout {
    let driver = InMemoryDriver()
    static let root = "/docker/registry/v2"

    @discardableResult
    func blob(_ content: String) async throws -> Digest {
        let digest = DigestHasher.digest(Array(content.utf8))
        try await driver.putContent(RegistryLayout.blobData(digest), ByteBuffer(string: content))
        return digest
    }

    func link(_ repository: String, _ kind: String, _ digest: Digest, content: String? = nil) async throws {
        try await driver.putContent(
            "\(Self.root)/repositories/\(repository)/\(kind)/sha256/\(digest.hex)/link", ByteBuffer(string: content ?? digest.description)
        )
    }

    func tag(_ repository: String, _ tag: String, _ digest: Digest) async throws {
        try await driver.putContent("\(Self.root)/repositories/\(repository)/_manifests/tags/\(tag)/current/link", ByteBuffer(string: digest.description))
        try await driver.putContent("\(Self.root)/repositories/\(repository)/_manifests/tags/\(tag)/index/sha256/\(digest.hex)/link", ByteBuffer(string: digest.description))
    }

    /// An image (config + layer + manifest) linked into `repository` and tagged.
    @discardableResult
    func image(_ repository: String, seed: String, tags: [String]) async throws -> Digest {
        let config = try await blob(#"{"architecture":"amd64","os":"linux","seed":"\#(seed)"}"#)
        let layer = try await blob("layer of \(seed)")
        for digest in [config, layer] { try await link(repository, "_layers", digest) }
        let manifest = try await blob("""
            {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"\(config)","size":1},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"\(layer)","size":1}]}
            """)
        try await link(repository, "_manifests/revisions", manifest)
        for name in tags { try await tag(repository, name, manifest) }
        return manifest
    }
}

@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct DistributionImporterTests {
    func importer(_ layout: DistributionLayout, target: InMemoryDriver? = nil, metadata: InMemoryMetadataStore, dryRun: Bool = false) -> DistributionImporter {
        DistributionImporter(
            source: layout.driver, target: target ?? layout.driver, metadata: metadata, sameStorage: target == nil, dryRun: dryRun
        )
    }

    @Test func repositoriesManifestsTagsAndLinksAreRecorded() async throws {
        let layout = DistributionLayout()
        let v1 = try await layout.image("team/app", seed: "one", tags: ["v1", "latest"])
        let v2 = try await layout.image("team/app", seed: "two", tags: ["v2"])
        let nested = try await layout.image("team/app/worker", seed: "three", tags: ["stable"])
        let index = try await layout.blob("""
            {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[{"mediaType":"\(MediaType.ociManifest)","digest":"\(v1)","size":1},{"mediaType":"\(MediaType.ociManifest)","digest":"\(v2)","size":1}]}
            """)
        try await layout.link("team/app", "_manifests/revisions", index)
        try await layout.tag("team/app", "multi", index)
        let metadata = InMemoryMetadataStore()
        let report = try await importer(layout, metadata: metadata).run()
        #expect(report.problems == [])
        #expect(report.repositories == 2)
        #expect(report.manifests == 4)
        #expect(report.tags == 5)
        #expect(report.blobsAdopted == 6)
        let app = try RepositoryName("team/app")
        #expect(try await metadata.manifest(.tag(try Tag("latest")), in: app)?.digest == v1)
        #expect(try await metadata.manifest(.tag(try Tag("multi")), in: app)?.mediaType == MediaType.ociIndex)
        #expect(try await metadata.manifest(.tag(try Tag("stable")), in: try RepositoryName("team/app/worker"))?.digest == nested)
        #expect(try await metadata.tags(in: app, after: nil, limit: 10).map(\.value) == ["latest", "multi", "v1", "v2"])
    }

    @Test func importingTwiceChangesNothingAndSkipsKnownBlobs() async throws {
        let layout = DistributionLayout()
        try await layout.image("r", seed: "s", tags: ["v1"])
        let metadata = InMemoryMetadataStore()
        _ = try await importer(layout, metadata: metadata).run()
        let tags = try await metadata.tags(in: try RepositoryName("r"), after: nil, limit: 10)
        let second = try await importer(layout, metadata: metadata).run()
        #expect(second.blobsAdopted == 0 && second.blobsAlreadyKnown == 2)
        #expect(second.problems == [])
        #expect(try await metadata.tags(in: try RepositoryName("r"), after: nil, limit: 10) == tags)
    }

    @Test func corruptBlobsDanglingAndEmptyLinksAreReportedNotImported() async throws {
        let layout = DistributionLayout()
        let good = try await layout.image("r", seed: "good", tags: ["v1"])
        let corrupt = try await layout.blob("original bytes")
        try await layout.driver.putContent(RegistryLayout.blobData(corrupt), ByteBuffer(string: "tampered bytes"))
        try await layout.link("r", "_layers", corrupt)
        let missing = DigestHasher.digest(Array("never stored".utf8))
        try await layout.link("r", "_layers", missing)
        let empty = DigestHasher.digest(Array("empty link".utf8))
        try await layout.link("r", "_layers", empty, content: "")
        let metadata = InMemoryMetadataStore()
        let report = try await importer(layout, metadata: metadata).run()
        #expect(report.problems.count == 3)
        #expect(report.problems.contains { $0.contains("\(corrupt) is corrupt") })
        #expect(report.problems.contains { $0.contains("\(missing)") && $0.contains("missing") })
        #expect(report.problems.contains { $0.contains("empty") })
        #expect(try await metadata.blob(corrupt) == nil)
        #expect(try await metadata.manifest(.digest(good), in: try RepositoryName("r")) != nil)
    }

    @Test func aManifestWhoseLayerIsGoneIsReportedAndItsTagWithIt() async throws {
        let layout = DistributionLayout()
        let manifest = try await layout.image("r", seed: "broken", tags: ["v1"])
        // Remove the layer links: the manifest now names blobs the repository lacks.
        try await layout.driver.delete("\(DistributionLayout.root)/repositories/r/_layers")
        let metadata = InMemoryMetadataStore()
        let report = try await importer(layout, metadata: metadata).run()
        #expect(report.manifests == 0)
        #expect(report.problems.contains { $0.contains("\(manifest)") && $0.contains("lacks") })
        #expect(report.problems.contains { $0.contains("r:v1") })
    }

    @Test func aDryRunChangesNothing() async throws {
        let layout = DistributionLayout()
        try await layout.image("r", seed: "s", tags: ["v1"])
        let metadata = InMemoryMetadataStore()
        let report = try await importer(layout, metadata: metadata, dryRun: true).run()
        #expect(report.manifests == 1 && report.tags == 1)
        #expect(try await metadata.repositoryExists(try RepositoryName("r")) == false)
    }

    @Test func fromAnotherStorageBlobsAreCopiedAndVerified() async throws {
        let layout = DistributionLayout()
        let manifest = try await layout.image("r", seed: "copied", tags: ["v1"])
        let target = InMemoryDriver()
        let metadata = InMemoryMetadataStore()
        let report = try await importer(layout, target: target, metadata: metadata).run()
        #expect(report.blobsCopied == 2)
        #expect(try await target.getContent(RegistryLayout.blobData(manifest)) == layout.driver.getContent(RegistryLayout.blobData(manifest)))
        #expect(try await target.list(RegistryLayout.root + "/blobs/sha256").count == 3)
    }
}
