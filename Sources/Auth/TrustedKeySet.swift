import Foundation
import JWTKit
import SwiftASN1
import X509

/// The keys and roots a registry trusts: the certificates of `rootcertbundle` (whose keys are
/// found by libtrust id or thumbprint, and which anchor `x5c` chains) and the keys of a JWKS.
public struct TrustedKeySet: Sendable {
    /// Keys by every identifier that names them.
    let keys: [String: TrustedKey]
    /// Certificates an `x5c` chain must lead to.
    public let roots: [Certificate]

    public init(certificateBundlePEM: String?, jwksJSON: String? = nil) throws {
        var keys: [String: TrustedKey] = [:]
        var roots: [Certificate] = []
        if let certificateBundlePEM {
            let documents: [PEMDocument]
            do {
                documents = try PEMDocument.parseMultiple(pemString: certificateBundlePEM)
            } catch {
                throw TokenAuthError.configuration("the root certificate bundle is not PEM: \(error)")
            }
            for document in documents where document.discriminator == "CERTIFICATE" {
                let certificate: Certificate
                do {
                    certificate = try Certificate(derEncoded: document.derBytes)
                } catch {
                    throw TokenAuthError.configuration("a certificate in the root bundle cannot be read: \(error)")
                }
                roots.append(certificate)
                let key = try TrustedKey(certificate: certificate)
                for identifier in key.identifiers { keys[identifier] = key }
            }
            guard !roots.isEmpty else { throw TokenAuthError.configuration("the root certificate bundle holds no certificate") }
        }
        if let jwksJSON {
            for key in try Self.jwksKeys(jwksJSON) {
                for identifier in key.identifiers { keys[identifier] = key }
            }
        }
        self.keys = keys
        self.roots = roots
    }

    /// The key a `kid` names, if trusted.
    public func key(for identifier: String) -> TrustedKey? { keys[identifier] }

    /// Every identifier of every trusted key (for logs and tests).
    public var identifiers: [String] { keys.keys.sorted() }

    /// RSA, EC and OKP keys of a JWKS; each must have a `kid`, symmetric keys are refused.
    static func jwksKeys(_ json: String) throws -> [TrustedKey] {
        struct Document: Decodable {
            struct Key: Decodable {
                let kty: String
                let kid: String?
                let n: String?, e: String?, crv: String?, x: String?, y: String?
            }
            let keys: [Key]
        }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: Data(json.utf8))
        } catch {
            throw TokenAuthError.configuration("the JWKS is not a {\"keys\":[...]} document: \(error)")
        }
        return try document.keys.map { key in
            guard let kid = key.kid, !kid.isEmpty else {
                throw TokenAuthError.configuration("a JWKS key has no kid; every key must be named")
            }
            do {
                switch (key.kty, key.crv) {
                case ("RSA", _):
                    guard let n = key.n, let e = key.e else { throw TokenAuthError.configuration("RSA key \(kid) lacks n or e") }
                    let thumbprint = KeyIdentifiers.thumbprint(members: ["kty": "RSA", "n": n, "e": e])
                    return TrustedKey(material: .rsa(try JWTKit.Insecure.RSA.PublicKey(modulus: n, exponent: e)), identifiers: [kid, thumbprint])
                case ("EC", let curve?):
                    guard let x = key.x, let y = key.y else { throw TokenAuthError.configuration("EC key \(kid) lacks x or y") }
                    let thumbprint = KeyIdentifiers.thumbprint(members: ["kty": "EC", "crv": curve, "x": x, "y": y])
                    let material: TrustedKey.Material
                    switch curve {
                    case "P-256": material = .p256(try ES256PublicKey(parameters: (x, y)))
                    case "P-384": material = .p384(try ES384PublicKey(parameters: (x, y)))
                    case "P-521": material = .p521(try ES512PublicKey(parameters: (x, y)))
                    default: throw TokenAuthError.configuration("EC key \(kid) has unsupported curve \(curve)")
                    }
                    return TrustedKey(material: material, identifiers: [kid, thumbprint])
                case ("OKP", "Ed25519"):
                    guard let x = key.x else { throw TokenAuthError.configuration("OKP key \(kid) lacks x") }
                    let thumbprint = KeyIdentifiers.thumbprint(members: ["kty": "OKP", "crv": "Ed25519", "x": x])
                    return TrustedKey(material: .ed25519(try EdDSA.PublicKey(x: x, curve: .ed25519)), identifiers: [kid, thumbprint])
                default:
                    throw TokenAuthError.configuration("JWKS key \(kid) has type \(key.kty); only RSA, EC and Ed25519 keys verify tokens")
                }
            } catch let error as TokenAuthError {
                throw error
            } catch {
                throw TokenAuthError.configuration("JWKS key \(kid) cannot be read: \(error)")
            }
        }
    }
}
