/// The platform of an index entry.
public struct Platform: Codable, Sendable, Hashable {
    public var architecture: String
    public var os: String
    public var osVersion: String?
    public var osFeatures: [String]?
    public var variant: String?
    public var features: [String]?

    public init(architecture: String, os: String, variant: String? = nil) {
        self.architecture = architecture
        self.os = os
        self.variant = variant
    }

    enum CodingKeys: String, CodingKey {
        case architecture, os, variant, features
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }
}
