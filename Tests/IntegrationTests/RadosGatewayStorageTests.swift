import Foundation
import Testing
import WharfTestSupport

/// `wharf serve` with its blobs in Ceph's radosgw, an S3 that checks every signature: skopeo
/// pushes and pulls, and a chunked upload continues a large object.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled(
        if: Tool.available(RadosGateway.tools + ["skopeo", "umoci"]) && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
        "Ceph (radosgw ceph-mon ceph-osd), skopeo or umoci is not installed, or wharf is not built"
    )
)
struct RadosGatewayStorageTests {
    @Test func skopeoPushesAndPullsWithBlobsInRadosGateway() async throws {
        try await S3StorageTests().pushAndPull(on: try await S3Endpoint.radosGateway())
    }

    @Test func garbageCollectionDeletesFromRadosGateway() async throws {
        try await S3StorageTests().collection(on: try await S3Endpoint.radosGateway())
    }

    @Test func aChunkedUploadContinuesALargeObjectInRadosGateway() async throws {
        try await S3StorageTests().chunkedUpload(on: try await S3Endpoint.radosGateway())
    }
}
