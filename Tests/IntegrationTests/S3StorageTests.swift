import Foundation
import NIOHTTP1
import StorageS3
import Testing
import WharfTestSupport

/// `wharf serve` with its blobs in an S3 bucket (moto's S3 server): real clients push and pull,
/// chunked uploads continue large objects, and backups keep the metadata while the blobs stay
/// in the bucket.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled(
        if: Tool.available("moto_server", "skopeo", "umoci") && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
        "moto_server, skopeo or umoci is not installed, or wharf is not built"
    )
)
struct S3StorageTests {
    /// A fresh bucket on `server` (the shared moto server when nil), and the environment that
    /// points Wharf at it.
    func bucket(on server: S3Endpoint? = nil) async throws -> (client: S3Client, environment: [String: String]) {
        let server = if let server { server } else { try await S3Endpoint.moto() }
        let name = "wharf-" + UUID().uuidString.lowercased()
        let location = try S3Location(endpoint: server.url, region: "us-east-1", bucket: name, pathStyle: true, rootDirectory: "registry")
        let credentials = S3Credentials(accessKey: server.accessKey, secretKey: server.secretKey)
        let client = S3Client(location: location, credentials: credentials, region: "us-east-1")
        try await client.createBucket()
        return (
            client,
            [
                "REGISTRY_AUTH": "none", "REGISTRY_STORAGE_S3_REGIONENDPOINT": server.url, "REGISTRY_STORAGE_S3_BUCKET": name,
                "REGISTRY_STORAGE_S3_REGION": "us-east-1", "REGISTRY_STORAGE_S3_ACCESSKEY": server.accessKey,
                "REGISTRY_STORAGE_S3_SECRETKEY": server.secretKey,
                "REGISTRY_STORAGE_S3_ROOTDIRECTORY": "/registry", "REGISTRY_STORAGE_S3_CHUNKSIZE": String(5 << 20),
            ]
        )
    }

    /// Every object key under the bucket's `registry/` prefix.
    func keys(_ client: S3Client) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            let page = try await client.listObjects(prefix: "registry/", delimiter: nil, token: token)
            keys += page.objects.map(\.key)
            token = page.nextToken
        } while token != nil
        return keys
    }

    @Test func skopeoPushesAndPullsWithBlobsInTheBucket() async throws {
        try await pushAndPull(on: nil)
    }

    @Test func garbageCollectionDeletesWhatNothingReferencesFromTheBucket() async throws {
        try await collection(on: nil)
    }

    /// Online collection with the blobs in a bucket: a deleted image's own blobs and 1,010
    /// unreferenced uploads go (two batch deletes: 1,000 keys a request), a tagged image keeps
    /// every object.
    func collection(on server: S3Endpoint?) async throws {
        try await withTemporaryDirectory { directory in
            let (bucket, environment) = try await bucket(on: server)
            let wharf = try await WharfProcess(
                root: directory + "/data",
                environment: environment.merging(CollectionStressTests.eagerCollection()) { _, gc in gc }
            )
            let port = try await wharf.waitUntilListening()
            defer { wharf.killNow() }
            let client = RegistryHTTPClient(port: port)
            let config = Data(#"{"architecture":"amd64","os":"linux"}"#.utf8)
            let keptLayers = [OCIImage.randomBytes(6 << 20), OCIImage.randomBytes(4096)]
            let kept = try #require(try await CollectionStressTests.push(client, "gc/app", tag: "keep", config: config, layers: keptLayers))
            let doomed = try #require(try await CollectionStressTests.push(client, "gc/app", tag: "drop", config: config, layers: [OCIImage.randomBytes(2048)]))
            #expect(try await client.send(.DELETE, "/v2/gc/app/manifests/\(doomed.0)").status == 202)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for start in stride(from: 0, to: 1010, by: 50) {
                    group.addTask {
                        for _ in start..<min(start + 50, 1010) {
                            guard try await client.upload("gc/strays", OCIImage.randomBytes(32)) == 201 else { throw SupportError("stray upload failed") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let wanted = Set(([kept.0, RawHTTP.sha256(config)] + keptLayers.map(RawHTTP.sha256)).map { digest in
                let hex = digest.dropFirst("sha256:".count)
                return "registry/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
            })
            var stored = Set(try await keys(bucket))
            let deadline = ContinuousClock.now + .seconds(120)
            while ContinuousClock.now < deadline, stored != wanted {
                try await Task.sleep(for: .milliseconds(250))
                stored = Set(try await keys(bucket))
            }
            #expect(stored == wanted, "left in the bucket: \(stored.subtracting(wanted).count) extra, \(wanted.subtracting(stored).count) missing")
            try await CollectionStressTests.verifyPull(
                client, "gc/app", tag: "keep", digest: kept.0, blobs: [RawHTTP.sha256(config)] + keptLayers.map(RawHTTP.sha256)
            )
        }
    }

    /// skopeo pushes a 12 MiB layer (multipart) and pulls it back; the blobs are in the bucket,
    /// the metadata on the local disk.
    func pushAndPull(on server: S3Endpoint?) async throws {
        try await withTemporaryDirectory { directory in
            let (client, environment) = try await bucket(on: server)
            try await BucketRoundTrip.run(directory: directory, environment: environment, layerSizes: [12 * 1024 * 1024, 4096]) {
                try await keys(client)
            }
        }
    }

    @Test func aChunkedUploadContinuesALargeObject() async throws {
        try await chunkedUpload(on: nil)
    }

    @Test func aChunkedUploadResumesAfterTheServerIsKilled() async throws {
        try await chunkedUpload(on: nil, killBetweenChunks: true)
    }

    /// A blob sent in two PATCHes (6 MiB, then the rest) and closed with a PUT; with
    /// `killBetweenChunks`, the server is SIGKILLed after the first and a new one, on the same
    /// data directory and bucket, takes the rest: the upload's state comes back from S3.
    func chunkedUpload(on server: S3Endpoint?, killBetweenChunks: Bool = false) async throws {
        try await withTemporaryDirectory { directory in
            let (_, environment) = try await bucket(on: server)
            try await ChunkedUploadProbe.push(
                OCIImage.randomBytes(7 * 1024 * 1024 + 123), split: 6 * 1024 * 1024, killBetweenChunks: killBetweenChunks, directory: directory
            ) {
                try await WharfProcess(root: directory + "/data", environment: environment)
            }
        }
    }

    @Test func backupsHoldTheMetadataAndRestoredRegistriesPullFromTheBucket() async throws {
        try await withTemporaryDirectory { directory in
            let (_, environment) = try await bucket()
            try await BucketBackupProbe.run(directory: directory, environment: environment, storage: "S3 bucket")
        }
    }
}
