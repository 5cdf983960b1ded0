import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOConcurrencyHelpers
import StorageGCS
import Testing
import WharfTestSupport

/// Access tokens from a token endpoint served here: it checks the assertion's signature, as
/// Google's does, and counts exchanges.
@Suite(.afterQuickTests, .timeLimit(.minutes(3))) struct GCSTokenSourceTests {
    final class Clock: Sendable {
        let now = NIOLockedValueBox(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: Double) { now.withLockedValue { $0 += seconds } }
    }

    /// An endpoint answering the n-th exchange with token `t<n>`, its lifetime as `lifetime` says.
    static func endpoint(exchanges: NIOLockedValueBox<Int>, lifetime: String) async throws -> some ApplicationProtocol {
        let keys = JWTKeyCollection()
        await keys.add(rsa: try Insecure.RSA.PrivateKey(pem: KeyFixtures.rsa.privateKeyPEM).publicKey, digestAlgorithm: .sha256, kid: "key-1")
        let router = Router()
        router.post("/token") { request, context -> Response in
            let form = String(buffer: try await request.body.collect(upTo: 1 << 16))
            let fields = Dictionary(uniqueKeysWithValues: form.split(separator: "&").map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1)
                return (String(parts[0]), String(parts.count > 1 ? parts[1] : "").removingPercentEncoding ?? "")
            })
            guard fields["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer", let assertion = fields["assertion"] else {
                return Response(status: .badRequest)
            }
            do {
                _ = try await keys.verify(assertion, as: GCSAssertion.Claims.self)
            } catch {
                return Response(status: .unauthorized)
            }
            let count = exchanges.withLockedValue { $0 += 1; return $0 }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"access_token":"t\#(count)","expires_in":\#(lifetime),"token_type":"Bearer"}"#))
            )
        }
        router.get("/metadata/token") { request, context -> Response in
            guard request.headers[.init("Metadata-Flavor")!] == "Google" else { return Response(status: .forbidden) }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"access_token":"machine","expires_in":3599}"#)))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test(arguments: ["3600", #""3600""#])
    func aTokenIsExchangedOnceAndRefreshedBeforeItExpires(lifetime: String) async throws {
        let exchanges = NIOLockedValueBox(0)
        try await Self.endpoint(exchanges: exchanges, lifetime: lifetime).test(.live) { client in
            let account = GCSServiceAccount(
                clientEmail: "registry@project.iam.gserviceaccount.com", privateKeyPEM: KeyFixtures.rsa.privateKeyPEM, privateKeyID: "key-1",
                tokenURI: "http://127.0.0.1:\(client.port!)/token"
            )
            let clock = Clock()
            let tokens = GCSTokenSource(.serviceAccount(try await GCSAssertion(account: account)), http: GCSClient.sharedHTTPClient) {
                clock.now.withLockedValue { $0 }
            }
            async let first = tokens.authorization()
            async let second = tokens.authorization()
            #expect(try await [first, second] == ["Bearer t1", "Bearer t1"])
            clock.advance(3600 - 300)
            #expect(try await tokens.authorization() == "Bearer t1")
            clock.advance(100)
            #expect(try await tokens.authorization() == "Bearer t2")
            await tokens.invalidate(refused: "Bearer t1")
            #expect(try await tokens.authorization() == "Bearer t2", "a token refused earlier does not drop the newer one")
            await tokens.invalidate(refused: "Bearer t2")
            #expect(try await tokens.authorization() == "Bearer t3")
            #expect(exchanges.withLockedValue { $0 } == 3)
        }
    }

    @Test func aRefusedAssertionIsAnErrorNamingTheEndpoint() async throws {
        let exchanges = NIOLockedValueBox(0)
        try await Self.endpoint(exchanges: exchanges, lifetime: "3600").test(.live) { client in
            // Signed by a key the endpoint does not know.
            let account = GCSServiceAccount(
                clientEmail: "registry@project.iam.gserviceaccount.com", privateKeyPEM: KeyFixtures.other.privateKeyPEM, privateKeyID: "key-1",
                tokenURI: "http://127.0.0.1:\(client.port!)/token"
            )
            let tokens = GCSTokenSource(.serviceAccount(try await GCSAssertion(account: account)), http: GCSClient.sharedHTTPClient)
            let error = await #expect(throws: GCSError.self) { try await tokens.authorization() }
            #expect(error?.status == 401)
            #expect(error?.message.contains("/token") == true)
        }
    }

    @Test func theMetadataServerIsAskedWithItsHeader() async throws {
        try await Self.endpoint(exchanges: NIOLockedValueBox(0), lifetime: "3600").test(.live) { client in
            let url = try #require(URL(string: "http://127.0.0.1:\(client.port!)/metadata/token"))
            let tokens = GCSTokenSource(.metadataServer(url), http: GCSClient.sharedHTTPClient)
            #expect(try await tokens.authorization() == "Bearer machine")
            #expect(try await GCSTokenSource(.anonymous, http: GCSClient.sharedHTTPClient).authorization() == nil)
        }
    }
}
