import Foundation
import StorageS3
import Testing
import WharfTestSupport

/// Upgrading from registry:2 with blobs in S3: Debian's Distribution 2.8.2 on radosgw is imported
/// in place (its bucket becomes Wharf's, nothing copied); and a registry:2 root on disk is
/// imported into Wharf on S3 (every blob copied into the bucket and verified).
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled(
        if: Tool.available(RadosGateway.tools + ["moto_server", "docker-registry", "skopeo", "umoci"])
            && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
        "Ceph, moto_server, docker-registry, skopeo or umoci is not installed, or wharf is not built"
    )
)
struct DistributionS3ImportTests {
    let images = [("team/app", "v1"), ("team/app", "v2s2"), ("tools/base", "latest")]

    /// Pushes two images (OCI, and Docker v2s2 of another) under three tags; returns what each
    /// tag serves.
    func push(to port: Int, directory: String) async throws -> [String: ManifestProbe] {
        try await OCIImage.make(in: directory, tag: "v1", layerSizes: [6 * 1024 * 1024, 4096])
        try await OCIImage.make(in: directory, tag: "v2", layerSizes: [64 * 1024])
        let layout = directory + "/oci"
        for (source, target, format) in [("v1", "team/app:v1", []), ("v2", "team/app:v2s2", ["--format", "v2s2"]), ("v1", "tools/base:latest", [])] {
            try await Command.run(
                ["skopeo", "copy", "--dest-tls-verify=false"] + format + ["oci:\(layout):\(source)", "docker://127.0.0.1:\(port)/\(target)"]
            )
        }
        return try await probe(port: port, directory: directory)
    }

    func probe(port: Int, directory: String) async throws -> [String: ManifestProbe] {
        var found: [String: ManifestProbe] = [:]
        for (repository, tag) in images {
            found["\(repository):\(tag)"] = try await ManifestProbe.get(port: port, repository: repository, reference: tag, scratch: directory)
        }
        return found
    }

    /// Every image pulls from Wharf, its blobs verified by skopeo, with the digests registry:2 served.
    func expectSameImages(_ before: [String: ManifestProbe], environment: [String: String], directory: String) async throws {
        let wharf = try await WharfProcess(root: directory + "/data", environment: environment)
        defer { wharf.killNow() }
        let port = try await wharf.waitUntilListening()
        #expect(try await probe(port: port, directory: directory) == before)
        for (repository, tag) in images {
            try await Command.run([
                "skopeo", "copy", "--src-tls-verify=false", "docker://127.0.0.1:\(port)/\(repository):\(tag)",
                "dir:\(directory)/pulled-\(UUID().uuidString)",
            ])
        }
    }

    func runImport(_ arguments: [String], environment: [String: String], directory: String) async throws -> String {
        try await Command.run(
            [WharfProcess.binary, "import", "distribution", "--wharf-root", directory + "/data"] + arguments, environment: environment
        ).stdout
    }

    @Test func registryTwoOnRadosGatewayIsAdoptedInPlace() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await S3Endpoint.radosGateway()
            let (client, environment) = try await S3StorageTests().bucket(on: server)
            let distribution = try await DistributionProcess(
                directory: directory,
                storageYAML: """
                      s3:
                        accesskey: \(server.accessKey)
                        secretkey: \(server.secretKey)
                        region: us-east-1
                        regionendpoint: \(server.url)
                        bucket: \(client.location.bucket)
                        rootdirectory: /registry
                    """
            )
            let before = try await push(to: distribution.port, directory: directory)
            #expect(before.values.allSatisfy { $0.status == 200 && $0.headerDigest == $0.bodyDigest }, "\(before)")
            try await distribution.stop()
            try await adoptInPlace(before, environment: environment, directory: directory) { try await S3StorageTests().keys(client) }
        }
    }

    /// `wharf import distribution` without `--root` adopts the bucket's registry:2 tree: every
    /// blob recorded, none written, the images the same; a second import records nothing.
    func adoptInPlace(
        _ before: [String: ManifestProbe], environment: [String: String], directory: String, storedNames: () async throws -> [String]
    ) async throws {
        let blobNames = try await storedNames().filter { $0.contains("/blobs/") }.sorted()
        let first = try await runImport([], environment: environment, directory: directory)
        #expect(first.contains("same storage"), "\(first)")
        #expect(first.contains(" 0 copied") && first.contains(", 0 problems"), "\(first)")
        #expect(!first.contains(" 0 blobs adopted"), "the bucket's blobs were adopted: \(first)")
        #expect(try await storedNames().filter { $0.contains("/blobs/") }.sorted() == blobNames, "no blob was written")
        try await expectSameImages(before, environment: environment, directory: directory)

        let second = try await runImport([], environment: environment, directory: directory)
        #expect(second.contains(" 0 blobs adopted"), "a second import records nothing new: \(second)")
    }

    @Test func registryTwoOnDiskIsCopiedIntoWharfOnS3() async throws {
        try await withTemporaryDirectory { directory in
            let (client, environment) = try await S3StorageTests().bucket()
            try await importFromDisk(environment: environment, directory: directory) { try await S3StorageTests().keys(client) }
        }
    }

    /// registry:2 on disk imported into a Wharf whose blobs are in a bucket: every blob copied
    /// in, no scratch copy left, the images the same.
    func importFromDisk(environment: [String: String], directory: String, storedNames: () async throws -> [String]) async throws {
        let distribution = try await DistributionProcess(directory: directory)
        let before = try await push(to: distribution.port, directory: directory)
        try await distribution.stop()

        let output = try await runImport(["--root", directory + "/distribution-data"], environment: environment, directory: directory)
        #expect(!output.contains("same storage") && output.contains(" 0 blobs adopted") && output.contains(", 0 problems"), "\(output)")
        #expect(!output.contains(" 0 copied"), "the blobs were copied: \(output)")
        let stored = try await storedNames()
        #expect(stored.contains { $0.hasPrefix("registry/docker/registry/v2/blobs/sha256/") }, "blobs were copied into the bucket")
        #expect(!stored.contains { $0.contains("/import/") }, "no scratch copy is left in the bucket")
        try await expectSameImages(before, environment: environment, directory: directory)
    }
}
