import Auth
import Foundation
import HTTPAPI
import HTTPTypes
import HummingbirdTesting
import Testing
import WharfTestSupport

/// Wharf as the registry half beside another issuer: tokens minted by pyjwt in GitLab's format
/// (libtrust kid), in Distribution 3's (thumbprint kid) and with an x5c chain; skopeo fetches
/// them from the issuer's realm as it would from GitLab, then pushes and pulls.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled("skopeo, umoci or pyjwt is not installed (apt-get install skopeo umoci; pip install pyjwt cryptography)") {
    guard Tool.available("skopeo", "umoci") else { return false }
    return await Tool.pythonModulesAvailable("jwt", "cryptography")
})
struct TokenInteropTests {
    @Test(arguments: [PyJWTTokenServer.Shape.libtrust, .thumbprint, .x5c])
    func skopeoPushesAndPullsWithTokensFromPyJWT(_ shape: PyJWTTokenServer.Shape) async throws {
        let issuerDirectory = try ShortDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: issuerDirectory) }
        let server = try await PyJWTTokenServer(shape: shape, directory: issuerDirectory)
        try await LiveRegistry.run(authorizer: { _ in
            let verifier = try TokenVerifier(
                policy: .init(issuer: "gitlab-issuer", service: "container_registry"),
                keys: try TrustedKeySet(certificateBundlePEM: try String(contentsOfFile: server.trustedCertificatePath, encoding: .utf8))
            )
            return TokenAuthorizer(controller: AccessController(realm: server.realm, verifier: verifier))
        }) { registry in
            let unauthenticated = try await registry.client.execute(uri: "/v2/", method: .get)
            #expect(unauthenticated.status == .unauthorized)

            try await OCIImage.make(in: registry.work, tag: "v1", layerSizes: [256 * 1024])
            let layout = registry.work + "/oci"
            let source = try OCIImage.manifestDigest(layout: layout, tag: "v1")
            try await Command.run(["skopeo", "copy", "--dest-tls-verify=false", "oci:\(layout):v1", "docker://\(registry.host)/group/app:v1"])
            try await Command.run(["skopeo", "copy", "--src-tls-verify=false", "docker://\(registry.host)/group/app:v1", "oci:\(registry.work)/back:v1"])
            #expect(try OCIImage.manifestDigest(layout: registry.work + "/back", tag: "v1") == source)
            #expect(server.log.contains(#""name": "group/app""#), "skopeo fetched its tokens from the pyjwt issuer")
        }
    }
}
