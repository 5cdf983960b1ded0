import Foundation
import HTTPTypes
import HummingbirdTesting
import Registry
import Testing
import WharfTestSupport

/// podman and buildah against Wharf, with their storage in the test's scratch directory.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: Tool.available("podman", "buildah", "skopeo", "umoci"), "podman, buildah, skopeo or umoci is not installed"))
struct PodmanBuildahTests {
    @Test func podmanPullsAndPushes() async throws {
        try await LiveRegistry.run { registry in
            try await OCIImage.make(in: registry.work, tag: "v1", layerSizes: [512 * 1024])
            try await Command.run(["skopeo", "copy", "--dest-tls-verify=false", "oci:\(registry.work)/oci:v1", "docker://\(registry.host)/team/app:v1"])
            try await ContainerStorage.withOptions(registry.work) { options in
                let podman = ["podman"] + options
                try await Command.run(podman + ["pull", "--tls-verify=false", "\(registry.host)/team/app:v1"])
                try await Command.run(podman + ["push", "--tls-verify=false", "\(registry.host)/team/app:v1", "docker://\(registry.host)/team/pushed:v1"])
                #expect(try await registry.manifestHead("team/pushed", "v1").digest != nil)
                try await Command.run(podman + ["pull", "--tls-verify=false", "\(registry.host)/team/pushed:v1"])
                _ = try? await Command.run(podman + ["rmi", "--all", "--force"], check: false)
            }
        }
    }

    @Test func buildahPushesAnIndexAndSkopeoCopiesItBack() async throws {
        try await LiveRegistry.run { registry in
            try await OCIImage.make(in: registry.work, tag: "amd", layerSizes: [256 * 1024], architecture: "amd64")
            try await OCIImage.make(in: registry.work, tag: "arm", layerSizes: [256 * 1024], architecture: "arm64")
            try await ContainerStorage.withOptions(registry.work) { options in
                let buildah = ["buildah"] + options
                try await Command.run(buildah + ["manifest", "create", "wharf-test-list"])
                for tag in ["amd", "arm"] {
                    try await Command.run(buildah + ["manifest", "add", "wharf-test-list", "oci:\(registry.work)/oci:\(tag)"])
                }
                try await Command.run(buildah + [
                    "manifest", "push", "--all", "--tls-verify=false", "wharf-test-list", "docker://\(registry.host)/team/multi:v1",
                ])
                let head = try await registry.manifestHead("team/multi", "v1")
                #expect(head.mediaType == "application/vnd.oci.image.index.v1+json")
                try await Command.run([
                    "skopeo", "copy", "--all", "--src-tls-verify=false", "docker://\(registry.host)/team/multi:v1", "oci:\(registry.work)/back:v1",
                ])
                #expect(try OCIImage.manifestDigest(layout: registry.work + "/back", tag: "v1") == head.digest)
                for tag in ["amd", "arm"] {
                    let child = try OCIImage.manifestDigest(layout: registry.work + "/oci", tag: tag)
                    #expect(FileManager.default.fileExists(atPath: registry.work + "/back/blobs/sha256/" + child.dropFirst(7)))
                }
                _ = try? await Command.run(buildah + ["manifest", "rm", "wharf-test-list"], check: false)
            }
        }
    }
}
