import Crypto
import Foundation
import SwiftASN1
import X509

/// Self-signed TLS certificates for `localhost` and `127.0.0.1`, made in the test, in PEM.
public enum TestCertificates {
    public struct Pair: Sendable {
        public let certificatePEM: String
        public let keyPEM: String

        /// Writes `cert.pem` and `key.pem` into `directory` and returns their paths.
        public func write(to directory: String, prefix: String = "") throws -> (certificate: String, key: String) {
            let certificate = directory + "/\(prefix)cert.pem"
            let key = directory + "/\(prefix)key.pem"
            try certificatePEM.write(toFile: certificate, atomically: true, encoding: .utf8)
            try keyPEM.write(toFile: key, atomically: true, encoding: .utf8)
            return (certificate, key)
        }
    }

    /// A P-256 certificate valid from `notBefore` to `notAfter` for localhost and 127.0.0.1.
    public static func make(
        commonName: String = "localhost", notBefore: Date = Date().addingTimeInterval(-3600),
        notAfter: Date = Date().addingTimeInterval(30 * 86_400)
    ) throws -> Pair {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName { CommonName(commonName) }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: notBefore, notValidAfter: notAfter, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
                Critical(BasicConstraints.notCertificateAuthority)
            },
            issuerPrivateKey: .init(key)
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let pem = PEMDocument(type: "CERTIFICATE", derBytes: serializer.serializedBytes).pemString
        return Pair(certificatePEM: pem, keyPEM: key.pemRepresentation)
    }
}
