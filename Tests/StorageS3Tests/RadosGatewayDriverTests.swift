import Foundation
import NIOCore
import StorageConformance
import StorageDriver
import StorageS3
import Testing
import WharfTestSupport

/// The S3 driver against Ceph's radosgw, a real S3 implementation that checks every request's
/// signature (listings with continuation tokens, bulk deletes, multipart uploads and copies
/// included), on a one-node cluster started for the test run.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: Tool.available(RadosGateway.tools), "Ceph is not installed (apt-get install radosgw ceph-mon ceph-osd)"))
struct RadosGatewayDriverTests {
    static func driver(rootDirectory: String = "wharf registry") async throws -> S3Driver {
        try await S3DriverConformanceTests.driver(on: try await S3Endpoint.radosGateway(), rootDirectory: rootDirectory)
    }

    @Test(arguments: StorageConformance.cases)
    func conformance(_ check: StorageConformance.Case) async throws {
        try await check.run(try await Self.driver())
    }

    @Test func theBucketRootWorksWithoutARootDirectory() async throws {
        try await StorageConformance.cases[0].run(try await Self.driver(rootDirectory: ""))
    }

    @Test func aLargeWriteIsUploadedInPartsAndContinuedByServerSideCopies() async throws {
        try await S3MultipartTests.largeWriteAndContinuation(try await Self.driver())
    }

    @Test func aMoveOfALargeObjectKeepsEveryByte() async throws {
        try await S3MultipartTests.largeMove(try await Self.driver())
    }

    @Test func appendsBecomeSegmentsAndAMoveJoinsThemOnce() async throws {
        try await S3SegmentedFileTests.appendsBecomeSegments(try await Self.driver())
    }

    @Test func cancellingAnAppendRemovesTheFileAndItsSegments() async throws {
        try await S3SegmentedFileTests.cancelRemovesSegments(try await Self.driver())
    }

    @Test func deletingADirectoryAbortsUploadsAKilledWriterLeft() async throws {
        try await S3SegmentedFileTests.deleteAbortsLeftUploads(try await Self.driver())
    }

    /// A listing needing continuation tokens (more keys than one page) and a bulk delete of them.
    @Test func listingsAcrossPagesAndBulkDeletes() async throws {
        let driver = try await Self.driver()
        let names = (0..<1005).map { String(format: "/repositories/team/r%04d", $0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, name) in names.enumerated() {
                if index >= 32 { try await group.next() }
                group.addTask { try await driver.putContent(name + "/link", ByteBuffer(string: name)) }
            }
            try await group.waitForAll()
        }
        #expect(try await driver.list("/repositories/team") == names)
        try await driver.delete("/repositories")
        #expect(!(try await driver.exists("/repositories/team/r0000/link")))
        await #expect(throws: StorageDriverError.self) { _ = try await driver.list("/repositories/team") }
    }

    @Test func aWrongSecretIsRefusedAndNothingIsWritten() async throws {
        let server = try await S3Endpoint.radosGateway()
        let good = try await Self.driver()
        let location = good.client.location
        let wrong = S3Driver(
            client: S3Client(
                location: location, credentials: S3Credentials(accessKey: server.accessKey, secretKey: server.secretKey + "x"), region: "us-east-1"
            )
        )
        let error = await #expect(throws: StorageDriverError.self) {
            try await wrong.putContent("/refused", ByteBuffer(string: "never stored"))
        }
        #expect(String(describing: error).contains("SignatureDoesNotMatch"))
        #expect(!(try await good.exists("/refused")))
    }
}
