import Crypto
import CryptoExtras
import Foundation
import JWTKit
import NIOConcurrencyHelpers
import SwiftASN1
import X509

/// A public key tokens may be signed with, with every `kid` that names it and the algorithms
/// its type allows.
public struct TrustedKey: Sendable {
    enum Material: Sendable {
        case rsa(JWTKit.Insecure.RSA.PublicKey)
        case p256(ES256PublicKey)
        case p384(ES384PublicKey)
        case p521(ES512PublicKey)
        case ed25519(EdDSA.PublicKey)
    }

    let material: Material
    /// libtrust key id and RFC 7638 thumbprint (and a JWKS `kid`, for keys from a JWKS).
    public let identifiers: [String]

    /// The signature algorithms this key can verify.
    public var algorithms: Set<String> {
        switch material {
        case .rsa: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
        case .p256: ["ES256"]
        case .p384: ["ES384"]
        case .p521: ["ES512"]
        case .ed25519: ["EdDSA"]
        }
    }

    /// The key of a certificate, named by its libtrust id and its thumbprint.
    public init(certificate: Certificate) throws {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate.publicKey)
        let spki = serializer.serializedBytes
        let libtrust = KeyIdentifiers.libtrust(subjectPublicKeyInfo: spki)
        if let rsa = _RSA.Signing.PublicKey(certificate.publicKey) {
            let primitives = try rsa.getKeyPrimitives()
            material = .rsa(try JWTKit.Insecure.RSA.PublicKey(pem: rsa.pemRepresentation))
            let thumbprint = KeyIdentifiers.thumbprint(members: [
                "kty": "RSA", "n": KeyIdentifiers.base64URL(primitives.modulus),
                "e": KeyIdentifiers.base64URL(primitives.publicExponent),
            ])
            identifiers = [libtrust, thumbprint]
        } else if let ec = P256.Signing.PublicKey(certificate.publicKey) {
            material = .p256(try ES256PublicKey(backing: ec))
            identifiers = [libtrust, Self.ecThumbprint(curve: "P-256", raw: ec.rawRepresentation)]
        } else if let ec = P384.Signing.PublicKey(certificate.publicKey) {
            material = .p384(try ES384PublicKey(backing: ec))
            identifiers = [libtrust, Self.ecThumbprint(curve: "P-384", raw: ec.rawRepresentation)]
        } else if let ec = P521.Signing.PublicKey(certificate.publicKey) {
            material = .p521(try ES512PublicKey(backing: ec))
            identifiers = [libtrust, Self.ecThumbprint(curve: "P-521", raw: ec.rawRepresentation)]
        } else if let ed = Curve25519.Signing.PublicKey(certificate.publicKey) {
            material = .ed25519(EdDSA.PublicKey(backing: ed))
            let thumbprint = KeyIdentifiers.thumbprint(members: [
                "kty": "OKP", "crv": "Ed25519", "x": KeyIdentifiers.base64URL(ed.rawRepresentation),
            ])
            identifiers = [libtrust, thumbprint]
        } else {
            throw TokenAuthError.configuration("certificate \(certificate.subject) has a key type tokens cannot use")
        }
    }

    init(material: Material, identifiers: [String]) {
        self.material = material
        self.identifiers = identifiers
    }

    private static func ecThumbprint(curve: String, raw: Data) -> String {
        let half = raw.count / 2
        return KeyIdentifiers.thumbprint(members: [
            "kty": "EC", "crv": curve, "x": KeyIdentifiers.base64URL(raw.prefix(half)),
            "y": KeyIdentifiers.base64URL(raw.suffix(half)),
        ])
    }

    /// A key collection that verifies `algorithm` with this key and nothing else: the key is
    /// its only (default) signer, so the token's `kid` cannot select another.
    func collection(for algorithm: String) async throws -> JWTKeyCollection {
        let keys = JWTKeyCollection()
        switch (material, algorithm) {
        case (.rsa(let key), "RS256"): await keys.add(rsa: key, digestAlgorithm: .sha256)
        case (.rsa(let key), "RS384"): await keys.add(rsa: key, digestAlgorithm: .sha384)
        case (.rsa(let key), "RS512"): await keys.add(rsa: key, digestAlgorithm: .sha512)
        case (.rsa(let key), "PS256"): await keys.add(pss: key, digestAlgorithm: .sha256)
        case (.rsa(let key), "PS384"): await keys.add(pss: key, digestAlgorithm: .sha384)
        case (.rsa(let key), "PS512"): await keys.add(pss: key, digestAlgorithm: .sha512)
        case (.p256(let key), "ES256"): await keys.add(ecdsa: key)
        case (.p384(let key), "ES384"): await keys.add(ecdsa: key)
        case (.p521(let key), "ES512"): await keys.add(ecdsa: key)
        case (.ed25519(let key), "EdDSA"): await keys.add(eddsa: key)
        default: throw TokenAuthError.invalidToken("algorithm \(algorithm) does not fit the key named by kid")
        }
        return keys
    }
}
