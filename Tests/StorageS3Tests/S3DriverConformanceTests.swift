import Foundation
import StorageConformance
import StorageDriver
import StorageS3
import Testing
import WharfTestSupport

/// The shared storage suite against the S3 driver, on moto's S3 server: one bucket per case.
@Suite(.enabled(if: Tool.available("moto_server"), "moto_server is not installed (pip install 'moto[server]')"))
struct S3DriverConformanceTests {
    static func driver(rootDirectory: String = "wharf", partSize: Int = 5 << 20) async throws -> S3Driver {
        let port = try await SharedServer.moto.port()
        let location = try S3Location(
            endpoint: "http://127.0.0.1:\(port)", region: "us-east-1", bucket: "b-" + UUID().uuidString.lowercased(), pathStyle: true,
            rootDirectory: rootDirectory
        )
        let client = S3Client(location: location, credentials: S3Credentials(accessKey: "testing", secretKey: "testing"), region: "us-east-1")
        try await client.createBucket()
        return S3Driver(client: client, partSize: partSize)
    }

    @Test(arguments: StorageConformance.cases)
    func conformance(_ check: StorageConformance.Case) async throws {
        try await check.run(try await Self.driver())
    }

    @Test func theBucketRootWorksWithoutARootDirectory() async throws {
        try await StorageConformance.cases[0].run(try await Self.driver(rootDirectory: ""))
    }
}
