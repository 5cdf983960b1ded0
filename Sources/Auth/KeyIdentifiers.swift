import Crypto
import Foundation

/// The key ids a registry token's `kid` may carry for a public key.
public enum KeyIdentifiers {
    /// docker/libtrust's key id, used by Distribution 2.x and GitLab: SHA-256 of the DER
    /// SubjectPublicKeyInfo, first 240 bits, base32, a colon after every four characters.
    public static func libtrust(subjectPublicKeyInfo der: some DataProtocol) -> String {
        let hash = Array(SHA256.hash(data: der)).prefix(30)
        let encoded = Array(Base32.encode(hash))
        return stride(from: 0, to: encoded.count, by: 4).map { String(encoded[$0..<min($0 + 4, encoded.count)]) }
            .joined(separator: ":")
    }

    /// RFC 7638 JWK thumbprint (Distribution 3.x): SHA-256 of the key's required members as
    /// JSON with sorted keys and no whitespace, base64url without padding.
    public static func thumbprint(members: [String: String]) -> String {
        let json = "{" + members.keys.sorted().map { "\"\($0)\":\"\(members[$0]!)\"" }.joined(separator: ",") + "}"
        return base64URL(Array(SHA256.hash(data: Array(json.utf8))))
    }

    static func base64URL(_ bytes: some Collection<UInt8>) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
