import Crypto
import Foundation

/// AWS Signature Version 4 for S3 requests, as a pure function of the request and the time:
/// the canonical request, the string to sign, the derived key and the `Authorization` header.
/// Pure so the exact bytes can be checked against AWS's published examples and botocore.
public struct SigV4Signer: Sendable {
    public let credentials: S3Credentials
    public let region: String
    public let service: String

    /// SHA-256 of an empty body, the payload hash of every request without one.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    public init(credentials: S3Credentials, region: String, service: String = "s3") {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// The request to sign: the path as sent (already percent-encoded), the query items
    /// decoded, and the headers that will be sent (at least `host`).
    public struct Request: Sendable {
        public var method: String
        public var encodedPath: String
        public var query: [(String, String)]
        public var headers: [(String, String)]
        public var payloadHash: String

        public init(method: String, encodedPath: String, query: [(String, String)] = [], headers: [(String, String)], payloadHash: String) {
            self.method = method
            self.encodedPath = encodedPath
            self.query = query
            self.headers = headers
            self.payloadHash = payloadHash
        }
    }

    /// The headers to add to `request`: `x-amz-date`, `x-amz-content-sha256`, the session
    /// token when there is one, and `Authorization`.
    public func sign(_ request: Request, at date: Date) -> [(String, String)] {
        let stamp = Self.timestamp(date)
        var added = [("x-amz-date", stamp), ("x-amz-content-sha256", request.payloadHash)]
        if let token = credentials.sessionToken { added.append(("x-amz-security-token", token)) }
        var signed = request
        signed.headers += added
        let (canonical, signedHeaders) = canonicalRequest(signed)
        let scope = "\(stamp.prefix(8))/\(region)/\(service)/aws4_request"
        let toSign = stringToSign(canonical: canonical, timestamp: stamp, scope: scope)
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(toSign.utf8), using: signingKey(day: String(stamp.prefix(8)))))
        added.append((
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        ))
        return added
    }

    /// The canonical request and the signed-headers list, as SigV4 defines them.
    public func canonicalRequest(_ request: Request) -> (text: String, signedHeaders: String) {
        let query = request.query.map { (Self.encode($0.0), Self.encode($0.1)) }.sorted { $0 < $1 }
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        var headers: [String: String] = [:]
        for (name, value) in request.headers {
            let key = name.lowercased()
            let trimmed = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            headers[key] = headers[key].map { $0 + "," + trimmed } ?? trimmed
        }
        let names = headers.keys.sorted()
        let signedHeaders = names.joined(separator: ";")
        let text = [
            request.method, request.encodedPath, query, names.map { "\($0):\(headers[$0]!)\n" }.joined(), signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")
        return (text, signedHeaders)
    }

    public func stringToSign(canonical: String, timestamp: String, scope: String) -> String {
        "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope)\n" + Self.hex(SHA256.hash(data: Data(canonical.utf8)))
    }

    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(credentials.secretKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `yyyyMMdd'T'HHmmss'Z'` in UTC.
    public static func timestamp(_ date: Date) -> String {
        let components = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", components.year ?? 0, components.month ?? 0, components.day ?? 0, components.hour ?? 0,
            components.minute ?? 0, components.second ?? 0
        )
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters; with
    /// `keepSlash`, `/` stays (object keys in paths).
    public static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.append(Character(UnicodeScalar(byte)))
            case UInt8(ascii: "/") where keepSlash:
                result.append("/")
            default:
                result += String(format: "%%%02X", byte)
            }
        }
        return result
    }

    public static func hex<D: Sequence>(_ bytes: D) -> String where D.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
