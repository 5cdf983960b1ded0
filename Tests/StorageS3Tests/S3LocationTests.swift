import Foundation
import StorageS3
import Testing

@Suite(.timeLimit(.minutes(10))) struct S3LocationTests {
    @Test func awsUsesVirtualHostsOfTheRegionalEndpoint() throws {
        let location = try S3Location(endpoint: nil, region: "eu-west-1", bucket: "images", pathStyle: nil, rootDirectory: "/registry/")
        #expect(location.hostHeader == "images.s3.eu-west-1.amazonaws.com")
        #expect(location.key(for: "/docker/registry/v2/blobs") == "registry/docker/registry/v2/blobs")
        #expect(location.path(for: "registry/docker/registry/v2/blobs") == "/docker/registry/v2/blobs")
        #expect(location.encodedPath(for: "registry/a b") == "/registry/a%20b")
        #expect(location.url(encodedPath: "/x", query: "uploads=") == "https://images.s3.eu-west-1.amazonaws.com/x?uploads=")
    }

    @Test func aRegionEndpointIsAddressedByPath() throws {
        let location = try S3Location(endpoint: "http://127.0.0.1:7480", region: "default", bucket: "wharf", pathStyle: nil)
        #expect(location.hostHeader == "127.0.0.1:7480")
        #expect(!location.secure)
        #expect(location.encodedPath(for: "docker/x") == "/wharf/docker/x")
        #expect(location.encodedPath(for: nil) == "/wharf")
        #expect(location.key(for: "/docker/x") == "docker/x")
        #expect(location.key(for: "/") == "")
        let https = try S3Location(endpoint: "https://minio.example.com", region: "us-east-1", bucket: "b", pathStyle: false)
        #expect(https.hostHeader == "b.minio.example.com" && https.secure)
        #expect(throws: S3ConfigurationError.self) { try S3Location(endpoint: "http://", region: "r", bucket: "b", pathStyle: nil) }
        #expect(throws: S3ConfigurationError.self) { try S3Location(endpoint: nil, region: "r", bucket: "", pathStyle: nil) }
    }

    @Test func copiesAreCutIntoPartsS3Accepts() {
        let gib: Int64 = 1 << 30
        #expect(S3Client.copyRanges(size: 0).isEmpty)
        #expect(S3Client.copyRanges(size: 10) == [0..<10])
        let eleven = S3Client.copyRanges(size: 11 * gib)
        #expect(eleven.count == 3)
        #expect(eleven.first?.lowerBound == 0 && eleven.last?.upperBound == 11 * gib)
        #expect(eleven.allSatisfy { $0.count <= Int(S3Client.maximumCopy) && $0.count >= Int(S3Client.minimumPart) })
        let justOver = S3Client.copyRanges(size: S3Client.maximumCopy + 1)
        #expect(justOver.count == 2 && justOver.allSatisfy { $0.count >= Int(S3Client.minimumPart) })
    }

    @Test func listAnswersParse() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Name>wharf</Name><Prefix>docker/</Prefix><KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>
              <NextContinuationToken>abc=</NextContinuationToken>
              <Contents><Key>docker/a &amp; b</Key><LastModified>2026-11-30T12:00:00.000Z</LastModified><Size>42</Size></Contents>
              <CommonPrefixes><Prefix>docker/registry/</Prefix></CommonPrefixes>
            </ListBucketResult>
            """
        let root = try #require(S3XMLElement.parse(Data(xml.utf8)))
        #expect(root.name == "ListBucketResult")
        #expect(root.first("Contents")?.value("Key") == "docker/a & b")
        #expect(root.first("Contents")?.value("Size") == "42")
        #expect(root.all("CommonPrefixes").map { $0.value("Prefix") } == ["docker/registry/"])
        #expect(root.value("NextContinuationToken") == "abc=")
        #expect(S3XMLElement.parse(Data("not xml <".utf8)) == nil)
    }
}
