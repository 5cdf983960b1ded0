import Foundation
import StorageConformance
import StorageDriver
import StorageS3
import Testing
import WharfTestSupport

/// The shared storage suite against the S3 driver, on moto's S3 server: one bucket per case.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: Tool.available("moto_server"), "moto_server is not installed (pip install 'moto[server]')"))
struct S3DriverConformanceTests {
    /// A driver on a fresh bucket of `server` (moto's when nil).
    static func driver(on server: S3Endpoint? = nil, rootDirectory: String = "wharf", partSize: Int = 5 << 20) async throws -> S3Driver {
        let server = if let server { server } else { try await S3Endpoint.moto() }
        let location = try S3Location(
            endpoint: server.url, region: "us-east-1", bucket: "b-" + UUID().uuidString.lowercased(), pathStyle: true, rootDirectory: rootDirectory
        )
        let credentials = S3Credentials(accessKey: server.accessKey, secretKey: server.secretKey)
        let client = S3Client(location: location, credentials: credentials, region: "us-east-1")
        try await client.createBucket()
        // Small read-ahead windows, so that the suite's reads cross several of them.
        return S3Driver(client: client, partSize: partSize, readAhead: S3ReadAhead(window: 256 << 10, depth: 3))
    }

    @Test(arguments: StorageConformance.cases)
    func conformance(_ check: StorageConformance.Case) async throws {
        try await check.run(try await Self.driver())
    }

    @Test func theBucketRootWorksWithoutARootDirectory() async throws {
        try await StorageConformance.cases[0].run(try await Self.driver(rootDirectory: ""))
    }
}
