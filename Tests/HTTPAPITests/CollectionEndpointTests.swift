import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metadata
import NIOCore
import OCI
import Registry
import StorageDriver
import Testing

/// Garbage collection's rules as clients see them: what the registry answers after a collector
/// ran over what pushes and deletes left.
@Suite(.timeLimit(.minutes(3))) struct CollectionEndpointTests {
    let driver = InMemoryDriver()
    let metadata = InMemoryMetadataStore()

    /// Collects everything due, at once (no review delay, no upload grace).
    func collect() async throws -> CollectionPass {
        try await GarbageCollector(
            driver: driver, metadata: metadata, settings: CollectionSettings(reviewDelay: 0, uploadGrace: 0), logger: Logger(label: "test")
        ).collectAll(dryRun: false, now: { Date().timeIntervalSince1970 + 1 })
    }

    func status(_ client: some TestClientProtocol, _ uri: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: uri, method: .get).status
    }

    @Test func sharedLayersSurviveTheDeletionOfOneImage() async throws {
        try await TestRegistry.app(driver: driver, metadata: metadata).test(.router) { client in
            let image = try await client.pushImage("team/a", tag: "v1", seed: "shared")
            try await client.pushImage("team/b", tag: "v1", seed: "shared")
            #expect(try await client.execute(uri: "/v2/team/a/manifests/\(image.manifestDigest)", method: .delete).status == .accepted)
            let pass = try await collect()
            #expect(Set(pass.links.map(\.digest)) == [digest(image.config), digest(image.layer)], "team/a keeps links it no longer uses")
            #expect(pass.blobs.isEmpty, "a blob team/b still uses was deleted: \(pass.blobs)")
            #expect(try await status(client, "/v2/team/a/blobs/\(digest(image.layer))") == .notFound)
            let layer = try await client.execute(uri: "/v2/team/b/blobs/\(digest(image.layer))", method: .get)
            #expect(layer.status == .ok && layer.body == image.layer)
            #expect(try await status(client, "/v2/team/b/manifests/v1") == .ok)
        }
    }

    @Test func aRetagKeepsTheManifestAndTheLastTagsDeletionFreesIt() async throws {
        try await TestRegistry.app(driver: driver, metadata: metadata).test(.router) { client in
            let image = try await client.pushImage("r", tag: "v1")
            #expect(try await client.putManifest("r", "v2", image.manifest).status == .created)
            #expect(try await client.execute(uri: "/v2/r/manifests/v1", method: .delete).status == .accepted)
            #expect(try await collect().manifests.isEmpty, "a manifest another tag holds was collected")
            #expect(try await status(client, "/v2/r/manifests/v2") == .ok)
            #expect(try await status(client, "/v2/r/blobs/\(digest(image.layer))") == .ok)
            #expect(try await client.execute(uri: "/v2/r/manifests/v2", method: .delete).status == .accepted)
            let pass = try await collect()
            #expect(pass.manifests.map(\.digest) == [image.manifestDigest])
            #expect(Set(pass.blobs.map(\.digest)) == [image.manifestDigest, digest(image.config), digest(image.layer)])
            #expect(try await status(client, "/v2/r/manifests/\(image.manifestDigest)") == .notFound)
            #expect(try await !driver.exists(RegistryLayout.blobData(digest(image.layer))))
        }
    }

    @Test func anIndexKeepsItsChildrenUntilItGoes() async throws {
        try await TestRegistry.app(driver: driver, metadata: metadata).test(.router) { client in
            let amd = try await client.pushImage("r", tag: "amd", seed: "amd64")
            let arm = try await client.pushImage("r", tag: "arm", seed: "arm64")
            let index = """
                {"schemaVersion":2,"mediaType":"\(MediaType.ociIndex)","manifests":[\
                {"mediaType":"\(MediaType.ociManifest)","digest":"\(amd.manifestDigest)","size":\(amd.manifest.utf8.count)},\
                {"mediaType":"\(MediaType.ociManifest)","digest":"\(arm.manifestDigest)","size":\(arm.manifest.utf8.count)}]}
                """
            #expect(try await client.putManifest("r", "multi", index, contentType: MediaType.ociIndex).status == .created)
            for tag in ["amd", "arm"] { #expect(try await client.execute(uri: "/v2/r/manifests/\(tag)", method: .delete).status == .accepted) }
            #expect(try await collect().manifests.isEmpty, "children of a tagged index were collected")
            #expect(try await status(client, "/v2/r/manifests/\(amd.manifestDigest)") == .ok)
            #expect(try await client.execute(uri: "/v2/r/manifests/multi", method: .delete).status == .accepted)
            let pass = try await collect()
            #expect(Set(pass.manifests.map(\.digest)) == [digest(index), amd.manifestDigest, arm.manifestDigest])
            #expect(try await status(client, "/v2/r/manifests/\(arm.manifestDigest)") == .notFound)
        }
    }

    @Test func aReferrerGoesWithItsSubject() async throws {
        try await TestRegistry.app(driver: driver, metadata: metadata).test(.router) { client in
            let image = try await client.pushImage("r", tag: "v1")
            let empty = bytes("{}")
            try await client.pushBlob("r", empty)
            let signature = ReferrersEndpointTests().artifact(subject: image, type: "application/vnd.example.signature", emptyConfig: empty)
            #expect(try await client.putManifest("r", digest(signature).description, signature).status == .created)
            #expect(try await collect().manifests.isEmpty, "a referrer of a present subject was collected")
            #expect(try await status(client, "/v2/r/manifests/\(digest(signature))") == .ok)
            #expect(try await client.execute(uri: "/v2/r/manifests/\(image.manifestDigest)", method: .delete).status == .accepted)
            let pass = try await collect()
            #expect(pass.manifests.map(\.digest) == [digest(signature)])
            #expect(try await status(client, "/v2/r/manifests/\(digest(signature))") == .notFound)
            let referrers = try await client.execute(uri: "/v2/r/referrers/\(image.manifestDigest)", method: .get)
            #expect(!String(buffer: referrers.body).contains(digest(signature).description))
            #expect(try await !driver.exists(RegistryLayout.blobData(digest(empty))), "the referrer's empty config stayed")
        }
    }
}
