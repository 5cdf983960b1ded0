import JWTKit

/// The claims of a registry token (Docker token spec, as GitLab issues them).
public struct TokenClaims: JWTPayload, Equatable {
    /// One `access` entry: a resource and the actions granted on it.
    public struct Access: Codable, Sendable, Equatable {
        public var type: String
        public var name: String
        public var actions: [String]
        public var meta: Meta?

        public init(type: String, name: String, actions: [String], meta: Meta? = nil) {
            self.type = type
            self.name = name
            self.actions = actions
            self.meta = meta
        }
    }

    /// GitLab's extra facts about the project a repository belongs to.
    public struct Meta: Codable, Sendable, Equatable {
        public var projectPath: String?
        public var projectID: Int64?
        public var rootNamespaceID: Int64?
        /// Tags this token may not push over or delete (protected tags above its level).
        public var tagDenyAccessPatterns: TagDenyPatterns?
        /// Tags nobody may overwrite or delete.
        public var tagImmutablePatterns: [String]?

        public init(
            projectPath: String? = nil, projectID: Int64? = nil, rootNamespaceID: Int64? = nil,
            tagDenyAccessPatterns: TagDenyPatterns? = nil, tagImmutablePatterns: [String]? = nil
        ) {
            self.projectPath = projectPath
            self.projectID = projectID
            self.rootNamespaceID = rootNamespaceID
            self.tagDenyAccessPatterns = tagDenyAccessPatterns
            self.tagImmutablePatterns = tagImmutablePatterns
        }

        enum CodingKeys: String, CodingKey {
            case projectPath = "project_path"
            case projectID = "project_id"
            case rootNamespaceID = "root_namespace_id"
            case tagDenyAccessPatterns = "tag_deny_access_patterns"
            case tagImmutablePatterns = "tag_immutable_patterns"
        }
    }

    /// GitLab's `tag_deny_access_patterns`: per action, the patterns of tags the token may not touch.
    public struct TagDenyPatterns: Codable, Sendable, Equatable {
        public var push: [String]?
        public var delete: [String]?

        public init(push: [String]? = nil, delete: [String]? = nil) {
            self.push = push
            self.delete = delete
        }
    }

    public var issuer: String?
    public var subject: String?
    public var audience: Audience?
    public var expiresAt: Int64?
    public var notBefore: Int64?
    public var issuedAt: Int64?
    public var id: String?
    public var access: [Access]

    public init(
        issuer: String?, subject: String?, audience: Audience?, expiresAt: Int64?, notBefore: Int64?, issuedAt: Int64?,
        id: String?, access: [Access]
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.expiresAt = expiresAt
        self.notBefore = notBefore
        self.issuedAt = issuedAt
        self.id = id
        self.access = access
    }

    enum CodingKeys: String, CodingKey {
        case issuer = "iss", subject = "sub", audience = "aud", expiresAt = "exp", notBefore = "nbf", issuedAt = "iat"
        case id = "jti", access
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decodeIfPresent(String.self, forKey: .issuer)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        audience = try container.decodeIfPresent(Audience.self, forKey: .audience)
        expiresAt = try container.decodeIfPresent(NumericDate.self, forKey: .expiresAt)?.seconds
        notBefore = try container.decodeIfPresent(NumericDate.self, forKey: .notBefore)?.seconds
        issuedAt = try container.decodeIfPresent(NumericDate.self, forKey: .issuedAt)?.seconds
        id = try container.decodeIfPresent(String.self, forKey: .id)
        access = try container.decodeIfPresent([Access].self, forKey: .access) ?? []
    }

    /// Claims are checked by `TokenVerifier` against its configuration and clock, not here.
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
