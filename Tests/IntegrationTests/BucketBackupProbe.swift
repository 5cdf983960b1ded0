import Foundation
import Testing
import WharfTestSupport

/// A Wharf whose blobs are in a bucket is backed up and restored: the archive holds the
/// metadata and no blob, the restore says the blobs stay in `storage` ("S3 bucket", "GCS
/// bucket"), and the restored registry pulls the image from the bucket.
enum BucketBackupProbe {
    static func run(directory: String, environment: [String: String], storage: String) async throws {
        try await OCIImage.make(in: directory, tag: "v1", layerSizes: [64 * 1024])
        let digest = try OCIImage.manifestDigest(layout: directory + "/oci", tag: "v1")
        let server = try await WharfProcess(root: directory + "/data", environment: environment)
        let port = try await server.waitUntilListening()
        try await Command.run(["skopeo", "copy", "--dest-tls-verify=false", "oci:\(directory)/oci:v1", "docker://127.0.0.1:\(port)/team/app:v1"])

        let wharf = [WharfProcess.binary, "backup"]
        let scope = ["--root", directory + "/data", "--dir", directory + "/backups"]
        let created = try await Command.run(wharf + ["create"] + scope, environment: environment)
        #expect(created.stdout.contains("not copied"), "\(created.stdout)")
        await server.kill()
        let archive = try #require(try FileManager.default.contentsOfDirectory(atPath: directory + "/backups").first { $0.hasSuffix(".tar") })
        let listing = try await Command.run(["tar", "-tf", directory + "/backups/" + archive])
        #expect(!listing.stdout.contains("blobs/"), "the archive holds no blobs")
        #expect(listing.stdout.contains("metadata/wharf.sqlite"))

        try FileManager.default.removeItem(atPath: directory + "/data")
        let restored = try await Command.run(wharf + ["restore"] + scope, environment: environment)
        #expect(restored.stdout.contains("blobs stay in \(storage)"), "\(restored.stdout)")
        let again = try await WharfProcess(root: directory + "/data", environment: environment)
        let port2 = try await again.waitUntilListening()
        try await Command.run(["skopeo", "copy", "--src-tls-verify=false", "docker://127.0.0.1:\(port2)/team/app:v1", "oci:\(directory)/back:v1"])
        #expect(try OCIImage.manifestDigest(layout: directory + "/back", tag: "v1") == digest)
        await again.kill()
    }
}
