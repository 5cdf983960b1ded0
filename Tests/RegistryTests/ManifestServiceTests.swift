import Logging
import Metadata
import NIOCore
import OCI
import Registry
import StorageDriver
import Testing

@Suite(.timeLimit(.minutes(3))) struct ManifestServiceTests {
    let driver = InMemoryDriver()
    let metadata = InMemoryMetadataStore()
    let repo = try! RepositoryName("r")

    func services(deleteEnabled: Bool = false) -> RegistryServices {
        RegistryServices(
            driver: driver, metadata: metadata, options: RegistryOptions(deleteEnabled: deleteEnabled), logger: Logger(label: "test")
        )
    }

    func index(children: [Digest] = []) -> ByteBuffer {
        let entries = children.map { #"{"mediaType":"\#(MediaType.ociManifest)","digest":"\#($0)","size":1}"# }
        return ByteBuffer(string: #"{"schemaVersion":2,"mediaType":"\#(MediaType.ociIndex)","manifests":[\#(entries.joined(separator: ","))]}"#)
    }

    @Test func manifestBytesAreStoredAsABlobInDistributionsLayout() async throws {
        let result = try await services().manifests.put(index(), contentType: nil, reference: .tag(try Tag("v1")), in: repo)
        let stored = try await driver.getContent(RegistryLayout.blobData(result.digest))
        #expect(stored == index())
        #expect(try await metadata.blob(result.digest)?.size == Int64(index().readableBytes))
    }

    @Test func getServesTheExactBytesPushed() async throws {
        let body = ByteBuffer(string: #"{"schemaVersion":2, "manifests":[] ,"mediaType":"\#(MediaType.ociIndex)"}"#)
        let result = try await services().manifests.put(body, contentType: nil, reference: .tag(try Tag("v1")), in: repo)
        let fresh = services()
        let manifest = try await fresh.manifests.get(.digest(result.digest), in: repo)
        #expect(manifest.bytes == body)
        #expect(manifest.record.mediaType == MediaType.ociIndex)
    }

    @Test func deleteNeedsDeleteEnabled() async throws {
        _ = try await services().manifests.put(index(), contentType: nil, reference: .tag(try Tag("v1")), in: repo)
        await #expect {
            try await services(deleteEnabled: false).manifests.delete(.tag(try Tag("v1")), in: repo)
        } throws: { error in
            (error as? RegistryError)?.code == .unsupported
        }
        try await services(deleteEnabled: true).manifests.delete(.tag(try Tag("v1")), in: repo)
    }
}
