import Foundation

/// The JOSE header fields the verifier decides on, read before any signature work.
struct TokenHeader: Decodable {
    let alg: String
    let kid: String?
    let x5c: [String]?

    init(token: String) throws(TokenAuthError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Self.base64URLDecode(parts[0]) else {
            throw .invalidToken("not a compact JWS (header.payload.signature)")
        }
        do {
            self = try JSONDecoder().decode(TokenHeader.self, from: data)
        } catch {
            throw .invalidToken("the header is not valid JSON with alg")
        }
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
