import Foundation
import NIOCore
import StorageDriver
import StorageS3
import Testing
import WharfTestSupport

/// The driver against a moto server that checks every request's SigV4 signature and the key's
/// IAM policy, as AWS and radosgw do (the shared moto server checks none). Its first four
/// requests are let through unsigned: the warm-up, then three that create the IAM user, its
/// policy and its access key.
/// Listings are not sent here: moto re-signs a query with its `%2F`s decoded, so even boto3's
/// `ListObjectsV2` with a `/` in the prefix fails its check; SigV4BotocoreTests covers them.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled("needs moto_server and boto3 (pip install 'moto[server]' boto3)") {
        guard Tool.available("moto_server") else { return false }
        return await Tool.pythonModulesAvailable("boto3")
    }
)
struct S3SignatureCheckedTests {
    /// Four unsigned requests: the shared server's warm-up, then the three of the IAM set-up.
    static let server = SharedMotoServer(name: "moto_server (signatures checked)", environment: ["INITIAL_NO_AUTH_ACTION_COUNT": "4"])
    static let credentials = CredentialsOnce()

    /// Creates the IAM user once per server, with a policy allowing S3 and nothing else.
    actor CredentialsOnce {
        private var created: Task<S3Credentials, any Error>?

        func value(endpoint: String) async throws -> S3Credentials {
            if let created { return try await created.value }
            let task = Task {
                let script = """
                    import boto3, json, sys
                    iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1',
                                       aws_access_key_id='setup', aws_secret_access_key='setup')
                    iam.create_user(UserName='wharf')
                    policy = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]}
                    iam.put_user_policy(UserName='wharf', PolicyName='s3', PolicyDocument=json.dumps(policy))
                    key = iam.create_access_key(UserName='wharf')['AccessKey']
                    print(key['AccessKeyId'], key['SecretAccessKey'])
                    """
                let output = try await Command.run(["python3", "-c", script, endpoint])
                let words = output.stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                guard words.count == 2 else { throw SupportError("IAM set-up printed \(output.stdout)") }
                return S3Credentials(accessKey: words[0], secretKey: words[1])
            }
            created = task
            return try await task.value
        }
    }

    static func client(bucket: String = "s-" + UUID().uuidString.lowercased(), wrongSecret: Bool = false) async throws -> S3Client {
        let endpoint = "http://127.0.0.1:\(try await server.port())"
        var credentials = try await credentials.value(endpoint: endpoint)
        if wrongSecret { credentials = S3Credentials(accessKey: credentials.accessKey, secretKey: credentials.secretKey + "x") }
        let location = try S3Location(endpoint: endpoint, region: "us-east-1", bucket: bucket, pathStyle: true, rootDirectory: "signed root")
        return S3Client(location: location, credentials: credentials, region: "us-east-1")
    }

    static func driver() async throws -> S3Driver {
        let client = try await client()
        try await client.createBucket()
        return S3Driver(client: client, partSize: 5 << 20)
    }

    /// Single PUTs, GETs with ranges and HEADs, under a key prefix that needs percent-encoding.
    @Test func objectRequestsAreSignedAsTheServerComputesThem() async throws {
        let driver = try await Self.driver()
        let path = "/blobs/sha256/ab/a_b-c.d/data"
        try await driver.putContent(path, ByteBuffer(string: "0123456789"))
        #expect(try await driver.getContent(path) == ByteBuffer(string: "0123456789"))
        #expect(try await driver.stat(path).size == 10)
        var middle = ByteBuffer()
        try await driver.read(path, range: 2..<5) { chunk in
            var chunk = chunk
            middle.writeBuffer(&chunk)
        }
        #expect(middle == ByteBuffer(string: "234"))
    }

    /// Multipart uploads, UploadPartCopy when a writer continues, CopyObject and DELETE.
    @Test func multipartUploadsAndServerSideCopiesAreSignedCorrectly() async throws {
        let driver = try await Self.driver()
        var first = ByteBuffer(repeating: 7, count: 6 << 20)
        let writer = try await driver.writer("/uploads/signed/data", append: false)
        try await writer.write(first)
        try await writer.close()
        let appender = try await driver.writer("/uploads/signed/data", append: true)
        var second = ByteBuffer(repeating: 9, count: 1 << 20)
        try await appender.write(second)
        try await appender.commit()
        try await driver.move("/uploads/signed/data", to: "/blobs/signed/data")
        var received = ByteBuffer()
        try await driver.read("/blobs/signed/data", range: nil) { chunk in
            var chunk = chunk
            received.writeBuffer(&chunk)
        }
        var expected = ByteBuffer()
        expected.writeBuffer(&first)
        expected.writeBuffer(&second)
        #expect(received == expected)
        await #expect(throws: StorageDriverError.self) { _ = try await driver.getContent("/uploads/signed/data") }
    }

    @Test func aWrongSecretIsRefusedAsTheServerSaysAndNothingIsWritten() async throws {
        let bucket = "s-" + UUID().uuidString.lowercased()
        let good = try await Self.client(bucket: bucket)
        try await good.createBucket()
        let driver = S3Driver(client: try await Self.client(bucket: bucket, wrongSecret: true))
        let error = await #expect(throws: StorageDriverError.self) {
            try await driver.putContent("/refused", ByteBuffer(string: "never stored"))
        }
        #expect("\(String(describing: error))".contains("SignatureDoesNotMatch"))
        await #expect(throws: StorageDriverError.self) {
            _ = try await S3Driver(client: good).stat("/refused")
        }
    }
}
