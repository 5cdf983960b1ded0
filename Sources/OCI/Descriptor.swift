/// An OCI content descriptor. Decoding validates every field, so a `Descriptor` in hand has a
/// well-formed media type, digest and size.
public struct Descriptor: Codable, Sendable, Hashable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var urls: [String]?
    public var annotations: [String: String]?
    public var artifactType: String?
    public var platform: Platform?
    public var data: String?

    public init(
        mediaType: String, digest: Digest, size: Int64, artifactType: String? = nil,
        annotations: [String: String]? = nil, platform: Platform? = nil
    ) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.artifactType = artifactType
        self.annotations = annotations
        self.platform = platform
    }

    enum CodingKeys: String, CodingKey {
        case mediaType, digest, size, urls, annotations, artifactType, platform, data
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let mediaType = try container.decodeIfPresent(String.self, forKey: .mediaType) else {
            throw RegistryError(.manifestInvalid, detail: "descriptor at \(decoder.codingPath.pathText) has no mediaType")
        }
        guard MediaType.isValid(mediaType) else {
            throw RegistryError(.manifestInvalid, detail: "descriptor at \(decoder.codingPath.pathText) has invalid mediaType \"\(Digest.clip(mediaType))\"")
        }
        guard let digestText = try container.decodeIfPresent(String.self, forKey: .digest) else {
            throw RegistryError(.manifestInvalid, detail: "descriptor at \(decoder.codingPath.pathText) has no digest")
        }
        do {
            digest = try Digest(parsing: digestText)
        } catch {
            throw RegistryError(.manifestInvalid, detail: "descriptor at \(decoder.codingPath.pathText): \(error.detail ?? "invalid digest")")
        }
        guard let size = try container.decodeIfPresent(Int64.self, forKey: .size), size >= 0 else {
            throw RegistryError(.manifestInvalid, detail: "descriptor at \(decoder.codingPath.pathText) needs a non-negative integer size")
        }
        self.mediaType = mediaType
        self.size = size
        urls = try container.decodeIfPresent([String].self, forKey: .urls)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
        artifactType = try container.decodeIfPresent(String.self, forKey: .artifactType)
        platform = try container.decodeIfPresent(Platform.self, forKey: .platform)
        data = try container.decodeIfPresent(String.self, forKey: .data)
        if let artifactType, !MediaType.isValid(artifactType) {
            throw RegistryError(.manifestInvalid, detail: "descriptor at \(decoder.codingPath.pathText) has invalid artifactType")
        }
    }
}

extension [any CodingKey] {
    /// `manifests[2]`-style path of a decoding position, for error details.
    var pathText: String {
        var text = ""
        for key in self {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text.isEmpty ? "top level" : text
    }
}
