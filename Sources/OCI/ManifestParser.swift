import Foundation

/// Validates a manifest body and extracts what the registry stores about it. Pure: bytes and the
/// request's `Content-Type` in, a `ParsedManifest` or a `MANIFEST_INVALID` with the fault out.
public enum ManifestParser {
    /// Largest manifest body accepted, as Distribution.
    public static let maxSize = 4 * 1024 * 1024

    /// The fields of every manifest schema the registry reads; unknown fields are kept in the
    /// stored bytes and otherwise ignored.
    private struct Document: Decodable {
        var mediaType: String?
        var artifactType: String?
        var config: Descriptor?
        var layers: [Descriptor]?
        var manifests: [Descriptor]?
        var subject: Descriptor?
        var annotations: [String: String]?
    }

    /// Read first, so a schema1 or a wrong version is named before descriptor faults.
    private struct Header: Decodable {
        var schemaVersion: Int?
        var mediaType: String?
        var fsLayers: [Ignored]?
        var signatures: [Ignored]?
    }

    private struct Ignored: Decodable {}

    public static func parse(_ bytes: [UInt8], contentType: String?) throws(RegistryError) -> ParsedManifest {
        try JSONKeyCheck.check(bytes)
        let data = Data(bytes)
        let header = try decode(Header.self, from: data)
        let headerType = contentType.map(MediaType.essence)
        if header.schemaVersion == 1 || header.fsLayers != nil || header.signatures != nil
            || [MediaType.dockerSchema1, MediaType.dockerSchema1Signed].contains(headerType ?? "")
            || [MediaType.dockerSchema1, MediaType.dockerSchema1Signed].contains(header.mediaType ?? "")
        {
            throw RegistryError(
                .manifestInvalid,
                detail: "Docker schema1 manifests are not supported: push as Docker schema2 or OCI (e.g. skopeo copy --format v2s2)"
            )
        }
        guard header.schemaVersion == 2 else {
            throw RegistryError(.manifestInvalid, detail: "schemaVersion must be 2")
        }
        let document = try decode(Document.self, from: data)
        let mediaType = try resolveMediaType(document: document, headerType: headerType)
        if MediaType.indexTypes.contains(mediaType) {
            guard document.config == nil, document.layers == nil else {
                throw RegistryError(.manifestInvalid, detail: "an index must not have config or layers")
            }
            guard let manifests = document.manifests else {
                throw RegistryError(.manifestInvalid, detail: "an index needs a manifests array")
            }
            if mediaType == MediaType.dockerManifestList, document.subject != nil || document.artifactType != nil {
                throw RegistryError(.manifestInvalid, detail: "a Docker manifest list cannot carry subject or artifactType")
            }
            return ParsedManifest(
                mediaType: mediaType, kind: .index, config: nil, layers: [], manifests: manifests,
                subject: document.subject, artifactType: document.artifactType, annotations: document.annotations
            )
        }
        guard document.manifests == nil else {
            throw RegistryError(.manifestInvalid, detail: "an image manifest must not have a manifests array")
        }
        guard let config = document.config else {
            throw RegistryError(.manifestInvalid, detail: "an image manifest needs a config descriptor")
        }
        guard let layers = document.layers else {
            throw RegistryError(.manifestInvalid, detail: "an image manifest needs a layers array")
        }
        if mediaType == MediaType.dockerManifest, document.subject != nil || document.artifactType != nil {
            throw RegistryError(.manifestInvalid, detail: "a Docker schema2 manifest cannot carry subject or artifactType")
        }
        if let artifactType = document.artifactType, !MediaType.isValid(artifactType) {
            throw RegistryError(.manifestInvalid, detail: "artifactType \"\(Digest.clip(artifactType))\" is not a media type")
        }
        return ParsedManifest(
            mediaType: mediaType, kind: .image, config: config, layers: layers, manifests: [],
            subject: document.subject, artifactType: document.artifactType, annotations: document.annotations
        )
    }

    /// The body's `mediaType` wins; without one, `Content-Type` (umoci omits it); without both,
    /// the shape decides between an OCI manifest and an OCI index.
    private static func resolveMediaType(document: Document, headerType: String?) throws(RegistryError) -> String {
        let headerManifestType = headerType.flatMap { MediaType.manifestTypes.contains($0) ? $0 : nil }
        if let bodyType = document.mediaType {
            guard MediaType.manifestTypes.contains(bodyType) else {
                throw RegistryError(.manifestInvalid, detail: "unsupported manifest mediaType \"\(Digest.clip(bodyType))\"")
            }
            if let headerManifestType, headerManifestType != bodyType {
                throw RegistryError(
                    .manifestInvalid,
                    detail: "mediaType \(bodyType) in the body does not match Content-Type \(headerManifestType)"
                )
            }
            return bodyType
        }
        if let headerManifestType {
            if headerManifestType == MediaType.dockerManifest || headerManifestType == MediaType.dockerManifestList {
                throw RegistryError(.manifestInvalid, detail: "Docker schema2 manifests must carry mediaType")
            }
            return headerManifestType
        }
        if document.manifests != nil { return MediaType.ociIndex }
        if document.config != nil { return MediaType.ociManifest }
        throw RegistryError(.manifestInvalid, detail: "cannot tell the manifest type: no mediaType and no manifest Content-Type")
    }

    private static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(RegistryError) -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.manifestInvalid, detail: "manifest is not valid JSON of a manifest schema: \(describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            let path = context.codingPath.pathText
            return path == "top level" ? context.debugDescription : "\(path): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}
