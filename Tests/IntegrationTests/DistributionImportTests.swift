import Foundation
import Testing
import WharfTestSupport

/// Upgrading from registry:2: images pushed to Debian's real Docker Distribution 2.8.2 are
/// imported and pull from Wharf with the same digests.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled(
        if: Tool.available("docker-registry", "skopeo", "umoci", "buildah", "curl") && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
        "docker-registry, skopeo, umoci, buildah or curl is not installed, or wharf is not built"
    )
)
struct DistributionImportTests {
    struct Image: Hashable {
        let repository: String
        let reference: String
    }

    /// Runs `wharf import distribution` and returns its output.
    func runImport(root: String, wharfRoot: String, check: Bool = true) async throws -> Command.Output {
        try await Command.run([WharfProcess.binary, "import", "distribution", "--root", root, "--wharf-root", wharfRoot], check: check)
    }

    /// What every image looks like from a registry on `port`.
    func probe(_ images: [Image], port: Int, scratch: String) async throws -> [Image: ManifestProbe] {
        var found: [Image: ManifestProbe] = [:]
        for image in images {
            found[image] = try await ManifestProbe.get(port: port, repository: image.repository, reference: image.reference, scratch: scratch)
        }
        return found
    }

    func copy(_ layout: String, _ tag: String, to host: String, _ target: String, format: [String] = []) async throws {
        try await Command.run(["skopeo", "copy", "--dest-tls-verify=false"] + format + ["oci:\(layout):\(tag)", "docker://\(host)/\(target)"])
    }

    /// Pulls every blob of `image` (every platform of an index) from Wharf, each verified by skopeo.
    func pullAll(_ image: Image, port: Int, into directory: String) async throws {
        try await Command.run([
            "skopeo", "copy", "--all", "--src-tls-verify=false", "docker://127.0.0.1:\(port)/\(image.repository):\(image.reference)",
            "dir:\(directory)",
        ])
    }

    @Test func inPlaceUpgradePullsEveryImageWithTheSameDigestsAndASecondImportChangesNothing() async throws {
        try await withTemporaryDirectory { directory in
            let distribution = try await DistributionProcess(directory: directory)
            let host = "127.0.0.1:\(distribution.port)"
            for (tag, sizes, architecture) in [
                ("v1", [256 * 1024, 64 * 1024], "amd64"), ("v2", [128 * 1024], "amd64"), ("amd", [64 * 1024], "amd64"),
                ("arm", [64 * 1024], "arm64"), ("gone", [32 * 1024], "amd64"),
            ] {
                try await OCIImage.make(in: directory, tag: tag, layerSizes: sizes, architecture: architecture)
            }
            let layout = directory + "/oci"
            try await copy(layout, "v1", to: host, "team/app:v1")
            try await copy(layout, "v1", to: host, "team/app:latest")
            try await copy(layout, "v2", to: host, "team/app:v2", format: ["--format", "v2s2"])
            try await copy(layout, "v2", to: host, "tools/builder/base:stable")
            try await copy(layout, "gone", to: host, "team/app:gone")
            try await ContainerStorage.withOptions(directory) { options in
                let buildah = ["buildah"] + options
                try await Command.run(buildah + ["manifest", "create", "wharf-import-list"])
                for tag in ["amd", "arm"] { try await Command.run(buildah + ["manifest", "add", "wharf-import-list", "oci:\(layout):\(tag)"]) }
                try await Command.run(buildah + ["manifest", "push", "--all", "--tls-verify=false", "wharf-import-list", "docker://\(host)/team/multi:v1"])
                _ = try? await Command.run(buildah + ["manifest", "rm", "wharf-import-list"], check: false)
            }

            let gone = try await ManifestProbe.get(port: distribution.port, repository: "team/app", reference: "gone", scratch: directory)
            try await Command.run(["skopeo", "delete", "--tls-verify=false", "docker://\(host)/team/app:gone"])

            let tagged = [
                Image(repository: "team/app", reference: "v1"), Image(repository: "team/app", reference: "latest"),
                Image(repository: "team/app", reference: "v2"), Image(repository: "tools/builder/base", reference: "stable"),
                Image(repository: "team/multi", reference: "v1"),
            ]
            let before = try await probe(tagged, port: distribution.port, scratch: directory)
            #expect(before.values.allSatisfy { $0.status == 200 && $0.headerDigest == $0.bodyDigest })
            #expect(before[Image(repository: "team/app", reference: "v1")] == before[Image(repository: "team/app", reference: "latest")])
            let byDigest = before.map { Image(repository: $0.key.repository, reference: $0.value.bodyDigest) }
            try await distribution.stop()

            // Wharf's root is registry:2's root: nothing is copied.
            let root = directory + "/distribution-data"
            let blobFiles = try FileManager.default.subpathsOfDirectory(atPath: root + "/docker/registry/v2/blobs").sorted()
            let first = try await runImport(root: root, wharfRoot: root)
            #expect(first.stdout.contains("same storage"))
            #expect(first.stdout.contains(" 0 copied"))
            #expect(first.stdout.contains(", 0 problems"), "\(first.stdout)")
            #expect(try FileManager.default.subpathsOfDirectory(atPath: root + "/docker/registry/v2/blobs").sorted() == blobFiles)

            let wharf = try await WharfProcess(root: root)
            let port = try await wharf.waitUntilListening()
            let after = try await probe(tagged + byDigest, port: port, scratch: directory)
            for image in tagged {
                #expect(after[image] == before[image], "\(image.repository):\(image.reference)")
            }
            for image in byDigest { #expect(after[image]?.status == 200, "\(image.repository)@\(image.reference)") }
            for image in tagged { try await pullAll(image, port: port, into: directory + "/pulled-\(UUID().uuidString)") }
            let multi = try #require(after[Image(repository: "team/multi", reference: "v1")])
            #expect(multi.status == 200)

            #expect(try await ManifestProbe.get(port: port, repository: "team/app", reference: "gone", scratch: directory).status == 404)
            #expect(try await ManifestProbe.get(port: port, repository: "team/app", reference: gone.bodyDigest, scratch: directory).status == 404)
            let tags = try await Command.run(["skopeo", "list-tags", "--tls-verify=false", "docker://127.0.0.1:\(port)/team/app"])
            let listed = try JSONSerialization.jsonObject(with: Data(tags.stdout.utf8)) as? [String: Any]
            #expect((listed?["Tags"] as? [String])?.sorted() == ["latest", "v1", "v2"])
            let catalog = try await Command.run(["curl", "-sf", "http://127.0.0.1:\(port)/v2/_catalog"])
            await wharf.kill()

            // A second run finds everything known and the registry answers exactly as before.
            let second = try await runImport(root: root, wharfRoot: root)
            #expect(second.stdout.contains("0 blobs adopted, 0 copied"), "\(second.stdout)")
            #expect(second.stdout.contains(", 0 problems"))
            let again = try await WharfProcess(root: root)
            let port2 = try await again.waitUntilListening()
            #expect(try await probe(tagged + byDigest, port: port2, scratch: directory) == after)
            #expect(try await Command.run(["curl", "-sf", "http://127.0.0.1:\(port2)/v2/_catalog"]).stdout == catalog.stdout)
            await again.kill()
        }
    }

    @Test func anImportKilledMidwayCompletesWhenRunAgain() async throws {
        try await withTemporaryDirectory { directory in
            let distribution = try await DistributionProcess(directory: directory)
            let host = "127.0.0.1:\(distribution.port)"
            let count = 30
            var images: [Image] = []
            for index in 0..<count {
                try await OCIImage.make(in: directory, tag: "r\(index)", layerSizes: [512 * 1024])
                try await copy(directory + "/oci", "r\(index)", to: host, "fleet/service-\(index):v1")
                images.append(Image(repository: "fleet/service-\(index)", reference: "v1"))
            }
            let before = try await probe(images, port: distribution.port, scratch: directory)
            try await distribution.stop()

            // Copy into a separate root and kill the importer as soon as it reports its first repository.
            let root = directory + "/distribution-data"
            let wharfRoot = directory + "/wharf"
            let process = try await TestProcess.start([WharfProcess.binary, "import", "distribution", "--root", root, "--wharf-root", wharfRoot])
            // Watched on a thread of its own, so the kill follows the first line at once.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread {
                    while process.isRunning, !process.log.contains("[1/\(count)]") { usleep(500) }
                    process.signal(SIGKILL)
                    continuation.resume()
                }
            }
            let status = try await process.waitForExit()
            #expect(status == 128 + SIGKILL, "the import was killed before it finished: \(process.log)")
            #expect(!process.log.contains("[\(count)/\(count)]"))

            let resumed = try await runImport(root: root, wharfRoot: wharfRoot)
            #expect(resumed.stdout.contains("\(count) repositories"), "\(resumed.stdout)")
            #expect(resumed.stdout.contains(", 0 problems"))
            #expect(!FileManager.default.fileExists(atPath: wharfRoot + "/docker/registry/v2/import/"), "no half-written copies remain")

            let wharf = try await WharfProcess(root: wharfRoot)
            let port = try await wharf.waitUntilListening()
            #expect(try await probe(images, port: port, scratch: directory) == before)
            try await pullAll(images[count - 1], port: port, into: directory + "/pulled")
            await wharf.kill()
        }
    }
}
