import Foundation
import NIOSSL
import SwiftASN1
import X509

/// TLS for the registry listener: a certificate chain and key read from PEM files, TLS 1.2 and
/// up with AEAD ciphers only, ALPN for HTTP/2 and HTTP/1.1. Every way the files can be wrong is
/// refused at start with the file named.
public enum TLSSettings {
    /// ECDHE with AES-GCM or ChaCha20-Poly1305: forward secrecy and AEAD (TLS 1.3 suites are
    /// always these).
    static let cipherSuites = [
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    ].joined(separator: ":")

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads and checks the files, and builds the server configuration.
    public static func configuration(certificatePath: String, keyPath: String, now: Date = Date()) throws -> TLSConfiguration {
        let certificatePEM = try read(certificatePath, what: "TLS certificate")
        let keyPEM = try read(keyPath, what: "TLS key")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8))
        } catch {
            throw Failure(description: "TLS certificate \(certificatePath) is not a PEM certificate: \(error)")
        }
        guard !chain.isEmpty else { throw Failure(description: "TLS certificate \(certificatePath) holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem)
        } catch {
            throw Failure(description: "TLS key \(keyPath) is not a PEM private key: \(error)")
        }
        let leaf: Certificate
        do {
            leaf = try Certificate(pemEncoded: certificatePEM)
        } catch {
            throw Failure(description: "TLS certificate \(certificatePath) cannot be read: \(error)")
        }
        if leaf.notValidAfter < now {
            throw Failure(description: "TLS certificate \(certificatePath) expired on \(leaf.notValidAfter.formatted(.iso8601))")
        }
        if leaf.notValidBefore > now {
            throw Failure(description: "TLS certificate \(certificatePath) is not valid before \(leaf.notValidBefore.formatted(.iso8601))")
        }
        let matches = (try? Certificate.PrivateKey(pemEncoded: keyPEM))?.publicKey == leaf.publicKey
        guard matches else {
            throw Failure(description: "TLS key \(keyPath) does not belong to the certificate \(certificatePath)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)
        )
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = cipherSuites
        return configuration
    }

    private static func read(_ path: String, what: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Failure(description: "\(what) \(path) cannot be read: \(error.localizedDescription)")
        }
    }
}
