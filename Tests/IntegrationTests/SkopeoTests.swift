import Foundation
import HTTPTypes
import HummingbirdTesting
import Registry
import Testing
import WharfTestSupport

/// skopeo against Wharf: the containers/image client of podman, buildah and CRI-O.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: Tool.available("skopeo", "umoci"), "skopeo and umoci are not installed (apt-get install skopeo umoci)"))
struct SkopeoTests {
    static let mebibyte = 1024 * 1024

    @Test func roundTripKeepsEveryDigest() async throws {
        try await LiveRegistry.run { registry in
            try await OCIImage.make(in: registry.work, tag: "v1", layerSizes: [0, Self.mebibyte, 64 * Self.mebibyte])
            let layout = registry.work + "/oci"
            let source = try OCIImage.manifestDigest(layout: layout, tag: "v1")
            let layers = try OCIImage.layerDigests(layout: layout, manifest: source)
            #expect(layers.count == 3)

            try await Command.run(["skopeo", "copy", "--dest-tls-verify=false", "oci:\(layout):v1", "docker://\(registry.host)/team/app:v1"])
            #expect(try await registry.manifestHead("team/app", "v1").digest == source)

            try await Command.run(["skopeo", "copy", "--src-tls-verify=false", "docker://\(registry.host)/team/app:v1", "oci:\(registry.work)/back:v1"])
            let pulled = try OCIImage.manifestDigest(layout: registry.work + "/back", tag: "v1")
            #expect(pulled == source)
            #expect(try OCIImage.layerDigests(layout: registry.work + "/back", manifest: pulled) == layers)

            let tags = try await Command.run(["skopeo", "list-tags", "--tls-verify=false", "docker://\(registry.host)/team/app"])
            #expect(tags.stdout.contains("\"v1\""))
        }
    }

    @Test func convertsToDockerSchema2() async throws {
        try await LiveRegistry.run { registry in
            try await OCIImage.make(in: registry.work, tag: "v1", layerSizes: [Self.mebibyte])
            let layout = registry.work + "/oci"
            let layers = try OCIImage.layerDigests(layout: layout, manifest: try OCIImage.manifestDigest(layout: layout, tag: "v1"))
            try await Command.run([
                "skopeo", "copy", "--dest-tls-verify=false", "--format", "v2s2", "oci:\(layout):v1", "docker://\(registry.host)/team/app:v2s2",
            ])
            let head = try await registry.manifestHead("team/app", "v2s2")
            #expect(head.mediaType == "application/vnd.docker.distribution.manifest.v2+json")
            try await Command.run(["skopeo", "copy", "--src-tls-verify=false", "docker://\(registry.host)/team/app:v2s2", "oci:\(registry.work)/back:v1"])
            let back = registry.work + "/back"
            #expect(try OCIImage.layerDigests(layout: back, manifest: try OCIImage.manifestDigest(layout: back, tag: "v1")) == layers)
        }
    }

    @Test func registryToRegistryCopyMountsBlobs() async throws {
        try await LiveRegistry.run { registry in
            try await OCIImage.make(in: registry.work, tag: "v1", layerSizes: [Self.mebibyte, 2 * Self.mebibyte])
            try await Command.run(["skopeo", "copy", "--dest-tls-verify=false", "oci:\(registry.work)/oci:v1", "docker://\(registry.host)/team/source:v1"])
            let before = registry.services.statistics.snapshot
            try await Command.run([
                "skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false",
                "docker://\(registry.host)/team/source:v1", "docker://\(registry.host)/other/target:v1",
            ])
            let after = registry.services.statistics.snapshot
            #expect(after.blobMounts - before.blobMounts == 2, "both layers are mounted, not uploaded")
            #expect(after.blobsCommitted - before.blobsCommitted <= 1, "at most the small config is uploaded again")
            #expect(try await registry.manifestHead("other/target", "v1").digest == registry.manifestHead("team/source", "v1").digest)
        }
    }

    @Test func deleteRemovesTheManifest() async throws {
        try await LiveRegistry.run(deleteEnabled: true) { registry in
            try await OCIImage.make(in: registry.work, tag: "v1", layerSizes: [1024])
            try await Command.run(["skopeo", "copy", "--dest-tls-verify=false", "oci:\(registry.work)/oci:v1", "docker://\(registry.host)/team/app:v1"])
            try await Command.run(["skopeo", "delete", "--tls-verify=false", "docker://\(registry.host)/team/app:v1"])
            #expect(try await registry.manifestHead("team/app", "v1").digest == nil)
            let inspect = try await Command.run(["skopeo", "inspect", "--tls-verify=false", "docker://\(registry.host)/team/app:v1"], check: false)
            #expect(!inspect.succeeded)
        }
    }
}
