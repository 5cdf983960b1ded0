import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metadata
import NIOCore
import Registry
import StorageDriver
import Testing
import WharfServer

/// Read-only mode and public URLs.
@Suite(.timeLimit(.minutes(3))) struct OperationsModeTests {
    static func app(origin: PublicOrigin = PublicOrigin(), readOnly: Bool = false, metadata: InMemoryMetadataStore = InMemoryMetadataStore(), driver: InMemoryDriver = InMemoryDriver()) -> some ApplicationProtocol {
        var logger = Logger(label: "wharf-test")
        logger.logLevel = .critical
        let services = RegistryServices(driver: driver, metadata: metadata, options: RegistryOptions(deleteEnabled: true), logger: logger)
        return WharfApplication.build(services: services, origin: origin, readOnly: readOnly, address: .hostname("127.0.0.1", port: 0), logger: logger)
    }

    @Test func readOnlyRefusesWritesAndServesReads() async throws {
        let metadata = InMemoryMetadataStore()
        let driver = InMemoryDriver()
        let content = bytes("pushed before read-only")
        _ = try await Self.app(metadata: metadata, driver: driver).test(.router) { client in
            try await client.pushBlob("r", content)
        }
        try await Self.app(readOnly: true, metadata: metadata, driver: driver).test(.router) { client in
            let get = try await client.execute(uri: "/v2/r/blobs/\(digest(content))", method: .get)
            #expect(get.status == .ok)
            let writes = [
                ("/v2/r/blobs/uploads/", HTTPRequest.Method.post), ("/v2/r/manifests/v1", .put), ("/v2/r/blobs/\(digest(content))", .delete),
                ("/gitlab/v1/repositories/r/", .patch),
            ]
            for (uri, method) in writes {
                let response = try await client.execute(uri: uri, method: method, body: bytes(#"{"name":"s"}"#))
                #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                #expect(errorCode(response) == "UNSUPPORTED")
                #expect(String(buffer: response.body).contains("read-only"))
            }
        }
    }

    @Test func locationsNameTheConfiguredHostUnlessRelative() async throws {
        try await Self.app(origin: PublicOrigin(configuredBase: "https://registry.example.com")).test(.router) { client in
            let start = try await client.execute(uri: "/v2/r/blobs/uploads/", method: .post)
            #expect(start.headers[.location]?.hasPrefix("https://registry.example.com/v2/r/blobs/uploads/") == true)
        }
        try await Self.app(origin: PublicOrigin(configuredBase: "https://registry.example.com", relativeURLs: true)).test(.router) { client in
            let start = try await client.execute(uri: "/v2/r/blobs/uploads/", method: .post)
            #expect(start.headers[.location]?.hasPrefix("/v2/r/blobs/uploads/") == true)
        }
    }

    @Test func forwardedHeadersCountOnlyFromTrustedProxies() {
        var head = HTTPRequest(method: .get, scheme: nil, authority: "10.0.0.5:5000", path: "/v2/")
        head.headerFields[HTTPField.Name("X-Forwarded-Proto")!] = "https"
        head.headerFields[HTTPField.Name("X-Forwarded-Host")!] = "registry.example.com, internal"
        let origin = PublicOrigin(trustedProxies: ["127.0.0.1"])
        #expect(origin.baseURL(for: head, peer: "127.0.0.1") == "https://registry.example.com")
        #expect(origin.baseURL(for: head, peer: "203.0.113.9") == "http://10.0.0.5:5000")
        #expect(PublicOrigin(tls: true).baseURL(for: head, peer: nil) == "https://10.0.0.5:5000")
        #expect(PublicOrigin(configuredBase: "https://r.example").baseURL(for: head, peer: "127.0.0.1") == "https://r.example")
    }
}
