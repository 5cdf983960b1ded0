import Foundation
import StorageS3
import Testing
import WharfTestSupport

/// The signer against botocore's SigV4Auth (the AWS SDK for Python) on requests with the
/// shapes the driver sends: keys with special characters, query items, copy headers.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled("botocore is not installed (pip install boto3)") { await Tool.pythonModulesAvailable("botocore") })
struct SigV4BotocoreTests {
    @Test(arguments: [
        ("PUT", "/wharf/docker/registry/v2/blobs/sha256/ab/data", [("partNumber", "3"), ("uploadId", "a/b+c=")], [("x-amz-copy-source", "/wharf/src key")]),
        ("GET", "/wharf", [("list-type", "2"), ("prefix", "docker/registry/v2/repositories/"), ("delimiter", "/")], []),
        ("POST", "/wharf", [("delete", "")], [("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==")]),
        ("GET", "/wharf/t%C3%BCr%20key~1", [], [("range", "bytes=0-99")]),
    ] as [(String, String, [(String, String)], [(String, String)])])
    func signaturesMatchBotocore(_ method: String, _ path: String, _ query: [(String, String)], _ headers: [(String, String)]) async throws {
        let credentials = S3Credentials(accessKey: "AKIDEXAMPLE", secretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session-token")
        let signer = SigV4Signer(credentials: credentials, region: "eu-central-1")
        let date = Date(timeIntervalSince1970: 1_796_040_000)
        let host = "127.0.0.1:7480"
        let ours = signer.sign(
            SigV4Signer.Request(method: method, encodedPath: path, query: query, headers: [("host", host)] + headers, payloadHash: SigV4Signer.emptyPayloadHash),
            at: date
        ).first { $0.0 == "Authorization" }?.1
        let script = """
            import sys, json, datetime
            from unittest import mock
            from botocore.auth import S3SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            from urllib.parse import quote
            method, path, query, headers = json.loads(sys.argv[1])
            qs = "&".join(quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~") for k, v in query)
            url = "http://\(host)" + path + ("?" + qs if qs else "")
            request = AWSRequest(method=method, url=url, headers=dict(headers))
            request.headers["X-Amz-Content-SHA256"] = "\(SigV4Signer.emptyPayloadHash)"
            auth = S3SigV4Auth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "session-token"), "s3", "eu-central-1")
            fixed = datetime.datetime(2026, 11, 30, 12, 0, 0)
            with mock.patch("botocore.auth.get_current_datetime", return_value=fixed):
                auth.add_auth(request)
            print(request.headers["Authorization"])
            """
        let arguments = String(decoding: try JSONSerialization.data(withJSONObject: [method, path, query.map { [$0.0, $0.1] }, headers.map { [$0.0, $0.1] }]), as: UTF8.self)
        let theirs = try await Command.run(["python3", "-c", script, arguments]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(SigV4Signer.timestamp(date) == "20261130T120000Z")
        #expect(ours == theirs)
    }
}
