/// An S3 server the tests may use: its URL and an access key pair it accepts.
public struct S3Endpoint: Sendable {
    public let url: String
    public let accessKey: String
    public let secretKey: String

    public init(url: String, accessKey: String, secretKey: String) {
        self.url = url
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    /// moto's S3 server, shared by the test process; it checks no signatures.
    public static func moto() async throws -> S3Endpoint {
        S3Endpoint(url: "http://127.0.0.1:\(try await SharedMotoServer.standard.port())", accessKey: "testing", secretKey: "testing")
    }

    /// The moto server of the suites that move large objects (see `SharedMotoServer.forLargeObjects`).
    public static func motoForLargeObjects() async throws -> S3Endpoint {
        S3Endpoint(url: "http://127.0.0.1:\(try await SharedMotoServer.forLargeObjects.port())", accessKey: "testing", secretKey: "testing")
    }

    /// Ceph's radosgw on a one-node cluster, shared by the test process: a real S3 that checks
    /// every signature.
    public static func radosGateway() async throws -> S3Endpoint {
        try await RadosGateway.shared.endpoint()
    }
}
