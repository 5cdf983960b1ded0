import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Metadata
import NIOCore
import OCI
import Registry
import StorageDriver
import WharfServer

/// An application over in-memory storage and metadata (or given ones), on an ephemeral port.
enum TestRegistry {
    static func app(
        deleteEnabled: Bool = true, driver: any StorageDriver = InMemoryDriver(),
        metadata: any MetadataStore = InMemoryMetadataStore(), policy: ConnectionPolicy = ConnectionPolicy(),
        uploadLimit: UploadLimit = UploadLimit(perRepository: 1000, perOwner: 1000), quotaDefaults: QuotaDefaults = .none
    ) -> some ApplicationProtocol {
        var logger = Logger(label: "wharf-test")
        logger.logLevel = .warning
        let services = RegistryServices(
            driver: driver, metadata: metadata, options: RegistryOptions(deleteEnabled: deleteEnabled, uploadLimit: uploadLimit, quotaDefaults: quotaDefaults),
            logger: logger
        )
        return WharfApplication.build(services: services, policy: policy, address: .hostname("127.0.0.1", port: 0), logger: logger)
    }
}

/// The `code` of the first error in a spec error body.
func errorCode(_ response: TestResponse) -> String? {
    struct Body: Decodable {
        struct Entry: Decodable {
            let code: String
            let message: String
        }
        let errors: [Entry]
    }
    return (try? JSONDecoder().decode(Body.self, from: Data(response.body.readableBytesView)))?.errors.first?.code
}

func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }

func digest(_ buffer: ByteBuffer) -> Digest { DigestHasher.digest(Array(buffer.readableBytesView)) }

func digest(_ text: String) -> Digest { DigestHasher.digest(Array(text.utf8)) }

extension TestClientProtocol {
    /// Pushes a blob monolithically and returns its digest.
    @discardableResult
    func pushBlob(_ repository: String, _ content: ByteBuffer) async throws -> Digest {
        let digest = digest(content)
        let response = try await execute(
            uri: "/v2/\(repository)/blobs/uploads/?digest=\(digest)", method: .post, body: content
        )
        guard response.status == .created else {
            throw TestFailure("blob push answered \(response.status): \(String(buffer: response.body))")
        }
        return digest
    }

    func putManifest(
        _ repository: String, _ reference: String, _ body: String, contentType: String? = MediaType.ociManifest
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        return try await execute(uri: "/v2/\(repository)/manifests/\(reference)", method: .put, headers: headers, body: bytes(body))
    }

    /// Pushes a config and a layer and a manifest naming them; returns the manifest.
    @discardableResult
    func pushImage(_ repository: String, tag: String, seed: String = "image", docker: Bool = false) async throws -> ImageFixture {
        let image = ImageFixture(seed: seed, docker: docker)
        try await pushBlob(repository, image.config)
        try await pushBlob(repository, image.layer)
        let response = try await putManifest(repository, tag, image.manifest, contentType: image.mediaType)
        guard response.status == .created else {
            throw TestFailure("manifest push answered \(response.status): \(String(buffer: response.body))")
        }
        return image
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A small image: a config blob, a layer blob and a manifest naming them.
struct ImageFixture {
    let config: ByteBuffer
    let layer: ByteBuffer
    let mediaType: String
    let manifest: String

    init(seed: String, docker: Bool = false) {
        config = bytes(#"{"architecture":"amd64","os":"linux","seed":"\#(seed)"}"#)
        layer = bytes("layer bytes of \(seed)")
        mediaType = docker ? MediaType.dockerManifest : MediaType.ociManifest
        let configType = docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json"
        let layerType = docker ? "application/vnd.docker.image.rootfs.diff.tar.gzip" : "application/vnd.oci.image.layer.v1.tar+gzip"
        manifest = """
            {"schemaVersion":2,"mediaType":"\(mediaType)",\
            "config":{"mediaType":"\(configType)","digest":"\(digest(config))","size":\(config.readableBytes)},\
            "layers":[{"mediaType":"\(layerType)","digest":"\(digest(layer))","size":\(layer.readableBytes)}]}
            """
    }

    var manifestDigest: Digest { digest(manifest) }
}

/// The path of an absolute `Location`, for the next request of a test client.
func pathOf(_ location: String) -> String {
    guard let scheme = location.range(of: "://"), let slash = location[scheme.upperBound...].firstIndex(of: "/") else { return location }
    return String(location[slash...])
}
