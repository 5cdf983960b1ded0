import Foundation
import Testing
import WharfTestSupport

/// skopeo pushes an image of `layerSizes` to a Wharf whose blobs are in a bucket and pulls it
/// back; the image comes back the same, every layer is an object under
/// `registry/docker/registry/v2/blobs/...` among what `storedNames` lists, and no blob is on
/// the local disk.
enum BucketRoundTrip {
    static func run(
        directory: String, environment: [String: String], layerSizes: [Int], storedNames: () async throws -> [String]
    ) async throws {
        try await OCIImage.make(in: directory, tag: "v1", layerSizes: layerSizes)
        let layout = directory + "/oci"
        let digest = try OCIImage.manifestDigest(layout: layout, tag: "v1")
        let layers = try OCIImage.layerDigests(layout: layout, manifest: digest)

        let server = try await WharfProcess(root: directory + "/data", environment: environment)
        let port = try await server.waitUntilListening()
        try await Command.run(["skopeo", "copy", "--dest-tls-verify=false", "oci:\(layout):v1", "docker://127.0.0.1:\(port)/team/app:v1"])
        try await Command.run(["skopeo", "copy", "--src-tls-verify=false", "docker://127.0.0.1:\(port)/team/app:v1", "oci:\(directory)/back:v1"])
        #expect(try OCIImage.manifestDigest(layout: directory + "/back", tag: "v1") == digest)
        #expect(try OCIImage.layerDigests(layout: directory + "/back", manifest: digest) == layers)

        let stored = try await storedNames()
        for layer in layers {
            let hex = layer.dropFirst("sha256:".count)
            #expect(stored.contains("registry/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"), "\(layer) is in the bucket")
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/data/docker"), "no blob is on the local disk")
        #expect(FileManager.default.fileExists(atPath: directory + "/data/wharf.sqlite"), "the metadata is in the data directory")
        await server.kill()
    }
}
