import Foundation
import HTTPAPI
import NIOSSL
import Testing
import WharfTestSupport

@Suite(.timeLimit(.minutes(3))) struct TLSSettingsTests {
    @Test func aValidPairGivesTLS12PlusAndModernCiphers() async throws {
        try await withTemporaryDirectory { directory in
            let files = try TestCertificates.make().write(to: directory)
            let configuration = try TLSSettings.configuration(certificatePath: files.certificate, keyPath: files.key)
            #expect(configuration.minimumTLSVersion == .tlsv12)
            #expect(configuration.cipherSuites.contains("GCM") && !configuration.cipherSuites.contains("CBC"))
        }
    }

    @Test func expiredNotYetValidMismatchedAndUnreadableAreRefusedByName() async throws {
        try await withTemporaryDirectory { directory in
            let expired = try TestCertificates.make(notBefore: Date().addingTimeInterval(-86_400 * 10), notAfter: Date().addingTimeInterval(-86_400))
                .write(to: directory, prefix: "expired-")
            let future = try TestCertificates.make(notBefore: Date().addingTimeInterval(86_400), notAfter: Date().addingTimeInterval(86_400 * 10))
                .write(to: directory, prefix: "future-")
            let one = try TestCertificates.make().write(to: directory, prefix: "one-")
            let two = try TestCertificates.make().write(to: directory, prefix: "two-")
            let garbage = directory + "/garbage.pem"
            try "not a certificate".write(toFile: garbage, atomically: true, encoding: .utf8)
            let cases: [(String, String, String)] = [
                (expired.certificate, expired.key, "expired on"),
                (future.certificate, future.key, "not valid before"),
                (one.certificate, two.key, "does not belong"),
                (directory + "/missing.pem", one.key, "cannot be read"),
                (garbage, one.key, "is not a PEM certificate"),
                (one.certificate, garbage, "is not a PEM private key"),
            ]
            for (certificate, key, fragment) in cases {
                #expect("\(fragment)") {
                    try TLSSettings.configuration(certificatePath: certificate, keyPath: key)
                } throws: { error in
                    let text = "\(error)"
                    return text.contains(fragment) && (text.contains(certificate) || text.contains(key))
                }
            }
        }
    }
}
