/// What the registry needs to know of a pushed manifest, after validation.
public struct ParsedManifest: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// An image or artifact manifest: a config and layers.
        case image
        /// An index or manifest list: child manifests.
        case index
    }

    public let mediaType: String
    public let kind: Kind
    public let config: Descriptor?
    public let layers: [Descriptor]
    /// Child manifests of an index.
    public let manifests: [Descriptor]
    public let subject: Descriptor?
    /// The `artifactType` field itself.
    public let artifactType: String?
    public let annotations: [String: String]?

    public init(
        mediaType: String, kind: Kind, config: Descriptor?, layers: [Descriptor], manifests: [Descriptor],
        subject: Descriptor?, artifactType: String?, annotations: [String: String]?
    ) {
        self.mediaType = mediaType
        self.kind = kind
        self.config = config
        self.layers = layers
        self.manifests = manifests
        self.subject = subject
        self.artifactType = artifactType
        self.annotations = annotations
    }

    /// The artifact type a referrers listing shows: `artifactType`, else the config's media type.
    public var effectiveArtifactType: String? {
        artifactType ?? (kind == .image ? config?.mediaType : nil)
    }

    /// Layers with `urls` (non-distributable, "foreign"): not required, but a client may have
    /// pushed them anyway (`--allow-nondistributable-artifacts`), and then they are referenced.
    public var foreignBlobs: [Descriptor] { layers.filter { !($0.urls ?? []).isEmpty } }

    /// Blobs that must exist in the repository before the manifest is accepted. Foreign layers
    /// (descriptors with `urls`) live elsewhere, as in Distribution.
    public var requiredBlobs: [Descriptor] {
        var blobs: [Descriptor] = []
        if let config { blobs.append(config) }
        blobs.append(contentsOf: layers.filter { ($0.urls ?? []).isEmpty })
        return blobs
    }
}
