import Foundation
import SwiftASN1
import X509

/// Trust in `x5c` header chains: the chain is decoded (bounded) and validated against the root
/// certificates before anything of the payload is read, and the leaf's key then verifies the
/// signature like any other trusted key. jwt-kit's own x5c path decodes the payload first.
struct X5CTrust: Sendable {
    static let maxCertificates = 8
    static let maxEncodedCertificate = 16 * 1024

    let roots: CertificateStore

    init(roots: [Certificate]) {
        self.roots = CertificateStore(roots)
    }

    /// The key of the chain's leaf, once the chain leads to a root, valid now.
    func leafKey(_ chain: [String]) async throws(TokenAuthError) -> TrustedKey {
        guard !chain.isEmpty, chain.count <= Self.maxCertificates else {
            throw .invalidToken("x5c must hold 1 to \(Self.maxCertificates) certificates")
        }
        var certificates: [Certificate] = []
        for entry in chain {
            guard entry.utf8.count <= Self.maxEncodedCertificate, let der = Data(base64Encoded: entry),
                let certificate = try? Certificate(derEncoded: Array(der))
            else { throw .invalidToken("an x5c entry is not a base64 DER certificate") }
            certificates.append(certificate)
        }
        var verifier = Verifier(rootCertificates: roots) { RFC5280Policy() }
        let result = await verifier.validate(leaf: certificates[0], intermediates: CertificateStore(certificates.dropFirst()))
        guard case .validCertificate = result else {
            throw .invalidToken("the x5c chain does not lead to a trusted root certificate")
        }
        guard let key = try? TrustedKey(certificate: certificates[0]) else {
            throw .invalidToken("the x5c leaf certificate has a key type tokens cannot use")
        }
        return key
    }
}
