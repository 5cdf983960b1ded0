import Foundation
import NIOCore
import StorageDriver
@testable import StorageS3
import Testing
import WharfTestSupport

/// Large writes go up in parts; continuing a large object copies its bytes on the server.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: Tool.available("moto_server"), "moto_server is not installed (pip install 'moto[server]')"))
struct S3MultipartTests {
    static func bytes(_ count: Int, seed: UInt8) -> ByteBuffer {
        // The pattern repeats every 256 bytes, so a 64 KiB block is repeated: building megabytes
        // byte by byte in a debug build holds a cooperative thread for seconds.
        let block = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(count)
        while buffer.readableBytes < count { buffer.writeBytes(block.prefix(count - buffer.readableBytes)) }
        return buffer
    }

    @Test func aLargeWriteIsUploadedInPartsAndContinuedByServerSideCopies() async throws {
        try await Self.largeWriteAndContinuation(try await S3DriverConformanceTests.driver(on: try await S3Endpoint.motoForLargeObjects(), partSize: 5 << 20))
    }

    @Test func aMoveOfALargeObjectKeepsEveryByte() async throws {
        try await Self.largeMove(try await S3DriverConformanceTests.driver(on: try await S3Endpoint.motoForLargeObjects()))
    }

    /// A part that fails (here: its upload aborted under the writer) fails the write or the
    /// close, and no object missing those bytes ever appears.
    @Test func aFailedPartIsNeverCompletedIntoAnObject() async throws {
        let driver = try await S3DriverConformanceTests.driver(on: try await S3Endpoint.motoForLargeObjects(), partSize: 5 << 20)
        let writer = try #require(try await driver.writer("/uploads/failing/data", append: false) as? S3Writer)
        try await writer.write(Self.bytes(5 << 20, seed: 4))
        let uploadId = try #require(writer.uploadId)
        try await driver.client.abortMultipartUpload(driver.location.key(for: "/uploads/failing/data"), uploadId: uploadId)
        // The failure shows in a write (a full window of parts) or only at close; either way
        // close refuses to complete.
        do {
            try await writer.write(Self.bytes(5 << 20, seed: 5))
            try await writer.write(Self.bytes(5 << 20, seed: 6))
        } catch {}
        await #expect(throws: (any Error).self) { try await writer.close() }
        #expect(!(try await driver.exists("/uploads/failing/data")))
    }

    /// 12 MiB in 5 MiB parts, then continued by 3 MiB: the server copies the first 12 MiB.
    static func largeWriteAndContinuation(_ driver: S3Driver) async throws {
        let first = Self.bytes(12 << 20, seed: 1)
        let writer = try await driver.writer("/uploads/big/data", append: false)
        try await writer.write(first)
        try await writer.close()
        #expect(try await driver.stat("/uploads/big/data").size == Int64(12 << 20))

        let second = Self.bytes(3 << 20, seed: 2)
        let appender = try await driver.writer("/uploads/big/data", append: true)
        #expect(appender.size == Int64(12 << 20))
        try await appender.write(second)
        try await appender.commit()

        var expected = first
        var tail = second
        expected.writeBuffer(&tail)
        var received = ByteBuffer()
        try await driver.read("/uploads/big/data", range: nil) { chunk in
            var chunk = chunk
            received.writeBuffer(&chunk)
        }
        #expect(received == expected)
        var middle = ByteBuffer()
        try await driver.read("/uploads/big/data", range: (12 << 20) - 10..<(12 << 20) + 10) { chunk in
            var chunk = chunk
            middle.writeBuffer(&chunk)
        }
        #expect(middle == expected.getSlice(at: (12 << 20) - 10, length: 20))
    }

    /// A 7 MiB object (written in parts) moves by a server-side copy and a delete.
    static func largeMove(_ driver: S3Driver) async throws {
        let content = Self.bytes(7 << 20, seed: 3)
        try await driver.putContent("/uploads/x/data", content)
        try await driver.move("/uploads/x/data", to: "/blobs/sha256/ab/abcd/data")
        #expect(try await driver.getContent("/blobs/sha256/ab/abcd/data") == content)
        #expect(!(try await driver.exists("/uploads/x/data")))
    }
}
