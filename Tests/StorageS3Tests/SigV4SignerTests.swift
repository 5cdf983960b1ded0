import Foundation
import StorageS3
import Testing

/// The examples of AWS's "Signature Calculations for the Authorization Header" page for S3.
@Suite(.timeLimit(.minutes(10))) struct SigV4SignerTests {
    let signer = SigV4Signer(
        credentials: S3Credentials(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), region: "us-east-1"
    )
    let date = Date(timeIntervalSince1970: 1_369_353_600)  // 2013-05-24T00:00:00Z

    func authorization(_ request: SigV4Signer.Request) -> String? {
        signer.sign(request, at: date).first { $0.0 == "Authorization" }?.1
    }

    @Test func getObjectWithARange() {
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/test.txt", headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9")],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        #expect(
            authorization(request)
                == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
        )
    }

    @Test func putObjectWithAnEncodedKeyAndExtraHeaders() {
        let request = SigV4Signer.Request(
            method: "PUT", encodedPath: "/" + SigV4Signer.encode("test$file.text", keepSlash: true),
            headers: [("Host", "examplebucket.s3.amazonaws.com"), ("Date", "Fri, 24 May 2013 00:00:00 GMT"), ("x-amz-storage-class", "REDUCED_REDUNDANCY")],
            payloadHash: "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
        )
        #expect(authorization(request)?.hasSuffix("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd") == true)
    }

    @Test func getBucketLifecycleWithAnEmptyQueryValue() {
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/", query: [("lifecycle", "")], headers: [("Host", "examplebucket.s3.amazonaws.com")],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        #expect(authorization(request)?.hasSuffix("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543") == true)
    }

    @Test func listObjectsWithSortedQueryItems() {
        let request = SigV4Signer.Request(
            method: "GET", encodedPath: "/", query: [("prefix", "J"), ("max-keys", "2")], headers: [("Host", "examplebucket.s3.amazonaws.com")],
            payloadHash: SigV4Signer.emptyPayloadHash
        )
        #expect(authorization(request)?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true)
    }

    @Test func encodingKeepsOnlyUnreservedCharacters() {
        #expect(SigV4Signer.encode("a b/c~d_e.f-g") == "a%20b%2Fc~d_e.f-g")
        #expect(SigV4Signer.encode("docker/registry/v2", keepSlash: true) == "docker/registry/v2")
        #expect(SigV4Signer.encode("ü") == "%C3%BC")
        #expect(SigV4Signer.timestamp(date) == "20130524T000000Z")
    }

    @Test func aSessionTokenIsSigned() {
        let temporary = SigV4Signer(credentials: S3Credentials(accessKey: "A", secretKey: "S", sessionToken: "T"), region: "eu-west-1")
        let headers = temporary.sign(
            SigV4Signer.Request(method: "GET", encodedPath: "/", headers: [("Host", "h")], payloadHash: SigV4Signer.emptyPayloadHash), at: date
        )
        #expect(headers.contains { $0 == ("x-amz-security-token", "T") })
        #expect(headers.last?.1.contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token") == true)
    }
}
