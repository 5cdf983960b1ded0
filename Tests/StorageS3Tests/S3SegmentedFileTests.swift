import Foundation
import NIOCore
import StorageDriver
import Testing
import WharfTestSupport

@testable import StorageS3

/// A file written by appends (a chunked upload) on S3: each append adds a segment and copies
/// nothing; reads, ranges, listings, moves and deletes see one file.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: Tool.available("moto_server"), "moto_server is not installed (pip install 'moto[server]')"))
struct S3SegmentedFileTests {
    static let chunks = [1 << 20, 6 << 20, 100, 7 << 20, 2 << 20, 5 << 20]

    @Test func appendsBecomeSegmentsAndAMoveJoinsThemOnce() async throws {
        try await Self.appendsBecomeSegments(try await S3DriverConformanceTests.driver(on: try await S3Endpoint.motoForLargeObjects()))
    }

    @Test func cancellingAnAppendRemovesTheFileAndItsSegments() async throws {
        try await Self.cancelRemovesSegments(try await S3DriverConformanceTests.driver(on: try await S3Endpoint.motoForLargeObjects()))
    }

    @Test func deletingADirectoryAbortsUploadsAKilledWriterLeft() async throws {
        try await Self.deleteAbortsLeftUploads(try await S3DriverConformanceTests.driver(on: try await S3Endpoint.motoForLargeObjects()))
    }

    /// A writer that never closed (its server killed mid-chunk) leaves a multipart upload whose
    /// parts S3 keeps; deleting the upload's directory aborts it, and leaves other uploads alone.
    static func deleteAbortsLeftUploads(_ driver: S3Driver) async throws {
        for directory in ["/uploads/u4", "/uploads/u40"] {
            let writer = try await driver.writer(directory + "/data", append: true)
            try await writer.write(S3MultipartTests.bytes(6 << 20, seed: 7))
        }
        let key = driver.location.key(for: "/uploads/u4")
        let before = try await driver.client.listMultipartUploads(prefix: key)
        #expect(before.count == 2, "both killed writers left an upload: \(before.map(\.key))")
        try? await driver.delete("/uploads/u4")
        let after = try await driver.client.listMultipartUploads(prefix: key)
        #expect(after.map(\.key) == [driver.location.key(for: "/uploads/u40/data") + "~seg/000001"], "only u40's upload is left")
    }

    static func keys(_ driver: S3Driver, under prefix: String) async throws -> [String] {
        var keys: [String] = []
        var token: String?
        repeat {
            let page = try await driver.client.listObjects(prefix: prefix, delimiter: nil, token: token)
            keys += page.objects.map(\.key)
            token = page.nextToken
        } while token != nil
        return keys
    }

    static func readAll(_ driver: S3Driver, _ path: String, range: Range<Int64>? = nil) async throws -> ByteBuffer {
        var received = ByteBuffer()
        try await driver.read(path, range: range) { chunk in
            var chunk = chunk
            received.writeBuffer(&chunk)
        }
        return received
    }

    static func appendsBecomeSegments(_ driver: S3Driver) async throws {
        let path = "/uploads/u1/data"
        var expected = ByteBuffer()
        for (number, size) in chunks.enumerated() {
            let writer = try await driver.writer(path, append: true)
            #expect(writer.size == Int64(expected.readableBytes), "append \(number + 1) continues after every byte")
            let chunk = S3MultipartTests.bytes(size, seed: UInt8(number))
            try await writer.write(chunk)
            try await writer.close()
            expected.writeImmutableBuffer(chunk)
        }
        let total = Int64(expected.readableBytes)
        #expect(try await driver.stat(path).size == total)
        #expect(try await readAll(driver, path) == expected)
        let boundary = Int64((1 << 20) + (6 << 20))
        for range in [(boundary - 10)..<(boundary + 110), 0..<1, (total - 3)..<total, Int64(1 << 20)..<Int64(15 << 20)] {
            #expect(try await readAll(driver, path, range: range) == expected.getSlice(at: Int(range.lowerBound), length: range.count))
        }
        await #expect(throws: StorageDriverError.self) { _ = try await readAll(driver, path, range: (total - 1)..<(total + 1)) }
        #expect(try await driver.list("/uploads/u1") == [path], "segments are not directory entries")

        let key = driver.location.key(for: path)
        let segments = try await keys(driver, under: S3SegmentIndex.segmentPrefix(key))
        #expect(segments.count == chunks.count, "one segment per append: \(segments)")

        try await driver.move(path, to: "/blobs/ab/abcdef/data")
        let moved = try await driver.client.headObject(driver.location.key(for: "/blobs/ab/abcdef/data"))
        #expect(moved.segmentedSize == nil, "the moved file is one plain object")
        #expect(moved.size == total)
        #expect(try await readAll(driver, "/blobs/ab/abcdef/data") == expected)
        #expect(!(try await driver.exists(path)))
        #expect(try await keys(driver, under: key).isEmpty, "no segment is left behind")
    }

    static func cancelRemovesSegments(_ driver: S3Driver) async throws {
        let path = "/uploads/u2/data"
        let first = try await driver.writer(path, append: true)
        try await first.write(S3MultipartTests.bytes(6 << 20, seed: 9))
        try await first.close()
        let second = try await driver.writer(path, append: true)
        try await second.write(ByteBuffer(string: "more"))
        try await second.cancel()
        #expect(!(try await driver.exists(path)))
        #expect(try await keys(driver, under: driver.location.key(for: path)).isEmpty)

        // A small segmented file: getContent, and delete of its directory.
        let small = try await driver.writer("/uploads/u3/data", append: true)
        try await small.write(ByteBuffer(string: "abc"))
        try await small.close()
        let more = try await driver.writer("/uploads/u3/data", append: true)
        try await more.write(ByteBuffer(string: "def"))
        try await more.close()
        #expect(try await driver.getContent("/uploads/u3/data") == ByteBuffer(string: "abcdef"))
        try await driver.delete("/uploads/u3")
        #expect(try await keys(driver, under: driver.location.key(for: "/uploads/u3")).isEmpty)
    }
}
