import Metadata
import OCI

/// The shared test suite every metadata store passes (zot's `pkg/meta` pattern). A store's test
/// runs each case against a fresh, empty store:
///
/// ```swift
/// @Test(arguments: MetadataConformance.cases)
/// func conformance(_ check: MetadataConformance.Case) async throws {
///     try await check.run(InMemoryMetadataStore())
/// }
/// ```
public enum MetadataConformance {
    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        let body: @Sendable (any MetadataStore) async throws -> Void

        public func run(_ store: any MetadataStore) async throws {
            try await body(store)
        }

        public var description: String { name }
    }

    public static let cases: [Case] = blobCases + manifestCases + tagCases + listingCases + uploadCases + collectionCases + usageCases + cleanupCases + gitLabCases
        + renameCases
}

/// A conformance check that did not hold.
public struct MetadataConformanceFailure: Error, CustomStringConvertible {
    public let description: String
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw MetadataConformanceFailure(description: message()) }
}

/// Fixtures: names and digests that are valid by construction.
enum Fixture {
    static func repo(_ name: String) -> RepositoryName { try! RepositoryName(name) }
    static func tag(_ name: String) -> Tag { try! Tag(name) }
    static func digest(_ seed: String) -> Digest { DigestHasher.digest(Array(seed.utf8)) }
    static func blob(_ seed: String, size: Int64 = 10) -> BlobRecord {
        BlobRecord(digest: digest(seed), size: size, createdAt: 1000)
    }
    static func manifest(
        _ seed: String, mediaType: String = MediaType.ociManifest, artifactType: String? = nil, subject: Digest? = nil,
        annotations: [String: String]? = nil
    ) -> ManifestRecord {
        ManifestRecord(
            digest: digest(seed), mediaType: mediaType, size: Int64(seed.utf8.count), artifactType: artifactType,
            subject: subject, annotations: annotations, createdAt: 1000
        )
    }
}
