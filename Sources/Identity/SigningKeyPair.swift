import Auth
import Crypto
import CryptoExtras
import Foundation
import SwiftASN1
import X509

/// The RSA key that signs registry tokens and its self-signed certificate, the pair GitLab's
/// deployment makes with three openssl commands (`GITLAB_REGISTRY_KEY_PATH` and the `.crt`
/// the registry trusts as `rootcertbundle`).
public struct SigningKeyPair: Sendable {
    public let privateKey: _RSA.Signing.PrivateKey
    public let certificate: Certificate

    public init(privateKey: _RSA.Signing.PrivateKey, certificate: Certificate) {
        self.privateKey = privateKey
        self.certificate = certificate
    }

    /// A fresh key of `bits` (2048 to 8192) and a certificate valid for `days`.
    public static func generate(bits: Int = 4096, days: Int = 10_000, commonName: String = "wharf-registry-token-signer")
        throws -> SigningKeyPair
    {
        guard [2048, 3072, 4096, 8192].contains(bits) else {
            throw IdentityError.invalidInput("RSA key size must be 2048, 3072, 4096 or 8192 bits, not \(bits)")
        }
        let key = try _RSA.Signing.PrivateKey(keySize: .init(bitCount: bits))
        let name = try DistinguishedName { CommonName(commonName) }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: .init(key.publicKey),
            notValidBefore: now.addingTimeInterval(-300),
            notValidAfter: now.addingTimeInterval(Double(days) * 86_400),
            issuer: name,
            subject: name,
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
            },
            issuerPrivateKey: .init(key)
        )
        return SigningKeyPair(privateKey: key, certificate: certificate)
    }

    /// Reads a PEM private key (PKCS#1 or PKCS#8) and its PEM certificate.
    public init(privateKeyPEM: String, certificatePEM: String) throws {
        do {
            privateKey = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw IdentityError.invalidInput("the signing key is not an RSA private key in PEM: \(error)")
        }
        do {
            certificate = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw IdentityError.invalidInput("the signing certificate is not a PEM certificate: \(error)")
        }
        guard certificate.publicKey == Certificate.PublicKey(privateKey.publicKey) else {
            throw IdentityError.invalidInput("the certificate does not belong to the signing key")
        }
    }

    public var privateKeyPEM: String { privateKey.pemRepresentation }

    public func certificatePEM() throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString
    }

    /// The libtrust key id GitLab puts in `kid`.
    public func keyID() throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate.publicKey)
        return KeyIdentifiers.libtrust(subjectPublicKeyInfo: serializer.serializedBytes)
    }
}
